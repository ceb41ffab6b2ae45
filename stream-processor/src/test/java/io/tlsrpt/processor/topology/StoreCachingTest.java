package io.tlsrpt.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.junit.jupiter.api.Test;

/**
 * No store of the topology has a record cache (Kafka Streams' default record cache is on, 10 MB): a flush of the
 * window store's cache forwards the windows to the detector, which reads the same store under the cache's lock,
 * while a query of the HTTP threads reads it under the store's lock and then wants the cache's. The two deadlocked
 * (a thread dump of DomainQueryIT); without the cache layer there is no second lock to take.
 */
class StoreCachingTest {

    @Test
    void noStoreOfTheTopologyHasARecordCacheLayer() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            List<String> layers = new ArrayList<>();
            for (String name : List.of(AggregateStage.STORE, DetectStage.INCIDENT_STORE, DedupStage.STORE,
                    SilenceStage.STORE)) {
                StateStore store = name.equals(AggregateStage.STORE)
                        ? (StateStore) fixture.driver.getTimestampedWindowStore(name)
                        : (StateStore) fixture.driver.getKeyValueStore(name);
                assertThat(store).as(name).isNotNull();
                for (StateStore layer = store; layer != null; layer = layer instanceof WrappedStateStore<?, ?, ?> w
                        ? w.wrapped() : null) {
                    layers.add(name + ": " + layer.getClass().getSimpleName());
                }
            }
            assertThat(layers).as("the stores' layers").anyMatch(l -> l.contains("Metered"))
                    .noneMatch(l -> l.contains("Caching"));
        }
    }
}
