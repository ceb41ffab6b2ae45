package io.tlsrpt.processor.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

class TopicCreatorTest {

    /**
     * Setting the window changelog's timestamp type is not worth a failed start: without an answer (here no broker
     * at all) the processor logs the command to run by hand and goes on, and Kafka Streams reports the broker itself.
     */
    @Test
    void anUnreachableBrokerLeavesTheChangelogUnverifiedWithoutFailingTheStart() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + closedPort);
        Properties processor = new Properties();
        processor.setProperty(ProcessorConfig.BOOTSTRAP_SERVERS, "127.0.0.1:" + closedPort);

        TopicCreator.ChangelogAlignment outcome = TopicCreator.alignWindowStoreChangelog(admin,
                ProcessorConfig.fromProperties(processor), Duration.ofSeconds(1));

        assertThat(outcome).isEqualTo(TopicCreator.ChangelogAlignment.NOT_VERIFIED);
    }
}
