package io.tlsrpt.processor.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

/** The address the processor announces for its domain queries (Kafka Streams' application.server). */
class QueryAddressTest {

    private static ProcessorConfig config(Map<String, String> values) {
        Properties p = new Properties();
        p.putAll(values);
        return ProcessorConfig.fromProperties(p);
    }

    @Test
    void theListeningHostAndTheBoundPortByDefault() {
        assertThat(TlsRptProcessor.queryAddress(config(Map.of()), new InetSocketAddress("127.0.0.1", 41000)))
                .isEqualTo(new HostInfo("127.0.0.1", 41000));
    }

    @Test
    void theAdvertisedHostWhenGiven() {
        ProcessorConfig config = config(Map.of(ProcessorConfig.HTTP_HOST, "0.0.0.0",
                ProcessorConfig.HTTP_ADVERTISED_HOST, "10.0.3.17"));
        assertThat(TlsRptProcessor.queryAddress(config, new InetSocketAddress("0.0.0.0", 9464)))
                .isEqualTo(new HostInfo("10.0.3.17", 9464));
    }

    @Test
    void aWildcardListenerAnnouncesThisMachinesAddressNotTheWildcard() throws Exception {
        ProcessorConfig config = config(Map.of(ProcessorConfig.HTTP_HOST, "0.0.0.0"));
        HostInfo announced = TlsRptProcessor.queryAddress(config, new InetSocketAddress("0.0.0.0", 9464));
        assertThat(announced.host()).isEqualTo(InetAddress.getLocalHost().getHostAddress()).isNotEqualTo("0.0.0.0");
        assertThat(announced.port()).isEqualTo(9464);
    }

    @Test
    void noneWithTheQueriesOff() {
        ProcessorConfig config = config(Map.of(ProcessorConfig.HTTP_DOMAINS_ENABLED, "false"));
        assertThat(TlsRptProcessor.queryAddress(config, new InetSocketAddress("127.0.0.1", 9464))).isNull();
    }
}
