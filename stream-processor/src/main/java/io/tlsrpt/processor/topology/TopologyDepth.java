package io.tlsrpt.processor.topology;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How much of the topology to build: the whole pipeline (what the processor runs), or the pipeline cut after one
 * stage, so that the benchmark can put each stage's cost against the same copy floor ({@code tlsrpt bench --depth}).
 * A cut topology writes what it has reached to the reports topic and nothing to the statistics or alert topics;
 * it is for measuring, never for a deployment.
 */
public enum TopologyDepth {

    /** Kafka Streams itself: every raw record copied unchanged (key, bytes, headers) to the reports topic. */
    COPY("copy"),
    /** Decoding: every decoded report (duplicates included) encoded once in Avro to the reports topic. */
    DECODE("decode"),
    /** Decoding and deduplication (the repartition by primary domain and the dedup store): the reports topic. */
    DEDUP("dedup"),
    /** The whole pipeline: aggregation, statistics and detection too. */
    FULL("full");

    private final String code;

    TopologyDepth(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The depth with this code, ignoring case. */
    public static TopologyDepth of(String code) {
        for (TopologyDepth depth : values()) {
            if (depth.code.equals(code.toLowerCase(Locale.ROOT))) {
                return depth;
            }
        }
        throw new IllegalArgumentException("unknown topology depth '" + code + "' (one of " + codes() + ")");
    }

    /** The codes, comma-separated, in pipeline order. */
    public static String codes() {
        return Arrays.stream(values()).map(TopologyDepth::code).collect(Collectors.joining(", "));
    }
}
