package io.tlsrpt.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class ConsumerGroupDrainTest {

    @Test
    void aProcessorHasReadEverythingOnceItsRawTopicAndItsOwnRepartitionTopicsAreDrained() {
        Predicate<String> watched = ConsumerGroupDrain.rawAndRepartitionTopics("tlsrpt.raw", "tlsrpt-processor");

        assertThat(watched)
                .accepts("tlsrpt.raw", "tlsrpt-processor-report-by-primary-domain-repartition",
                        "tlsrpt-processor-by-other-domain-repartition")
                // its changelogs and outputs are written, not read; another application's topics are not its own
                .rejects("tlsrpt-processor-domain-window-store-changelog", "tlsrpt.reports", "tlsrpt.raw.4p",
                        "tlsrpt-other-by-other-domain-repartition");
    }
}
