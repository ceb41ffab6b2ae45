package io.tlsrpt.processor.app;

import io.tlsrpt.processor.detect.ReporterCadence;
import io.tlsrpt.processor.topology.OpenStops;
import io.tlsrpt.processor.topology.StoppedReporters;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;

/**
 * The reporters stopped (open reports-stopped incidents) of one partition, for the lists: as the silence stage's task
 * keeps them ({@link OpenStops}), or, when that task is not running here, read from {@code reporter-cadence-store},
 * which then says why it cannot answer.
 */
final class PartitionStops {

    private final KafkaStreams streams;
    private final OpenStops openStops;
    private final StoppedReporters stopped;

    PartitionStops(KafkaStreams streams, OpenStops openStops, Duration windowSize) {
        this.streams = streams;
        this.openStops = openStops;
        this.stopped = new StoppedReporters(windowSize);
    }

    List<StoppedReporters.Stopped> of(int partition) {
        return openStops.of(partition).orElseGet(() -> stopped.read(streams.store(StoreQueryParameters
                .fromNameAndType(StoppedReporters.STORE, QueryableStoreTypes.<String, ReporterCadence>keyValueStore())
                .withPartition(partition))));
    }
}
