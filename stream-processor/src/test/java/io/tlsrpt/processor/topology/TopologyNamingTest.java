package io.tlsrpt.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tlsrpt.processor.decode.ReportDecoder;
import java.time.Clock;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

class TopologyNamingTest {

    @Test
    void everyStoreAndInternalTopicHasTheDocumentedName() {
        Topology topology = TopologyFactory.buildTopology(TopologySettings.defaults("mock://naming"),
                new ReportDecoder(), new PipelineMetrics(new SimpleMeterRegistry()), Clock.systemUTC());
        Set<String> stores = new TreeSet<>();
        Set<String> topics = new TreeSet<>();
        for (TopologyDescription.Subtopology sub : topology.describe().subtopologies()) {
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Processor p) {
                    stores.addAll(p.stores());
                } else if (node instanceof TopologyDescription.Source s) {
                    topics.addAll(s.topicSet());
                } else if (node instanceof TopologyDescription.Sink s) {
                    topics.add(s.topic());
                }
            }
        }
        assertThat(stores).containsExactly("dedup-by-domain-store", "domain-window-store", "incident-store",
                "reporter-cadence-store");
        assertThat(topics).containsExactlyInAnyOrder("tlsrpt.raw", "tlsrpt.reports", "tlsrpt.dead-letter",
                "tlsrpt.failure-stats", "tlsrpt.domain-stats", "tlsrpt.alerts", "tlsrpt.alerts.json",
                "report-by-primary-domain-repartition", "by-other-domain-repartition");
        assertThat(topology.describe().subtopologies()).hasSize(2);
    }
}
