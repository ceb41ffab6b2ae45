package io.tlsrpt.connect.it;

import io.tlsrpt.testkafka.KafkaTestCluster;
import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real single-broker KRaft cluster (Kafka's test kit) for all integration tests of the run: started by the
 * first test class that needs it, closed by JUnit when the whole run ends (root store, AutoCloseable).
 */
public final class SharedKafkaCluster implements BeforeAllCallback {
    private static volatile KafkaClusterTestKit cluster;

    private record Holder(KafkaClusterTestKit kit) implements AutoCloseable {
        @Override
        public void close() {
            cluster = null;
            KafkaTestCluster.close(kit);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Holder holder = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .computeIfAbsent(SharedKafkaCluster.class.getName(), key -> start(), Holder.class);
        cluster = holder.kit();
    }

    /** The controller in a node of its own: HttpsIngestIT stops and restarts the broker alone. */
    private static Holder start() {
        try {
            return new Holder(KafkaTestCluster.startWithSeparateController(Map.of()));
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the test Kafka cluster", e);
        }
    }

    static KafkaClusterTestKit get() {
        if (cluster == null) {
            throw new IllegalStateException("annotate the test class with @ExtendWith(SharedKafkaCluster.class)");
        }
        return cluster;
    }
}
