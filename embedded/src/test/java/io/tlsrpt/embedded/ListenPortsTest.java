package io.tlsrpt.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class ListenPortsTest {

    @Test
    void aFreePortBelowTheEphemeralRangeThatAServerCanBind() throws Exception {
        int low = ListenPorts.ephemeralLow();
        for (int i = 0; i < 20; i++) {
            int port = ListenPorts.free();
            assertThat(port).as("below the ports the system gives outgoing connections").isLessThan(low)
                .isGreaterThanOrEqualTo(1024);
            try (ServerSocket server = new ServerSocket()) {
                server.setReuseAddress(true);
                server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                assertThat(ListenPorts.free(port)).as("not the one asked to avoid, nor one in use").isNotEqualTo(port);
            }
        }
    }
}
