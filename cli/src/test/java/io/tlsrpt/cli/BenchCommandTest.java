package io.tlsrpt.cli;

import static io.tlsrpt.cli.CommandRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.cli.CommandRunner.Run;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code tlsrpt bench} refuses a bad processor setting with the processor's own message, before starting anything. */
class BenchCommandTest {

    @Test
    void unknownProcessorSettingIsAUsageErrorNamingTheKey() {
        Run r = run("bench", "--set", "statestore.cache.max.bytes=0");

        // picocli's usage error, not a stack trace from building the error (as before: "ArgSpec and value cannot
        // both be null")
        assertThat(r.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(r.err()).contains("statestore.cache.max.bytes").contains("Usage: tlsrpt bench")
            .doesNotContain("ArgSpec and value").doesNotContain("Exception");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void invalidValueOfAKnownSettingIsAUsageErrorNamingTheKey() {
        // Kafka's own value check, at once: before, the run generated and loaded its reports first and then failed
        // when Kafka Streams started
        Run r = run("bench", "--set", "streams.statestore.cache.max.bytes=lots");

        assertThat(r.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(r.err()).contains("streams.statestore.cache.max.bytes").contains("lots")
            .contains("Usage: tlsrpt bench")
            .doesNotContain("ArgSpec and value");
    }

    @Test
    void unknownDepthIsAUsageErrorNamingTheStages() {
        Run r = run("bench", "--depth", "aggregate");

        assertThat(r.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(r.err()).contains("--depth").contains("copy, decode, dedup, full").contains("Usage: tlsrpt bench");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void theDomainListIsPolledOnlyWhileReportsArriveAtASteadyRate() {
        Run r = run("bench", "--poll-domain-list", "5");

        assertThat(r.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(r.err()).contains("--poll-domain-list needs --steady-rate");
    }

    @Test
    void aCutTopologyCannotMeasureAlertLatency() {
        Run r = run("bench", "--depth", "decode", "--steady-rate", "100");

        assertThat(r.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(r.err()).contains("--steady-rate").contains("--depth full");
    }
}
