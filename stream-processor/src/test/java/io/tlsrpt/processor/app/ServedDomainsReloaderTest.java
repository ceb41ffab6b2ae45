package io.tlsrpt.processor.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServedDomainsReloaderTest {

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private double reloads(String result) {
        return registry.get("tlsrpt.served.domains.reloads").tag("result", result).counter().count();
    }

    private double inForce() {
        return registry.get("tlsrpt.served.domains").gauge().value();
    }

    @Test
    void theFileIsReadAgainAndEveryOutcomeIsCounted() throws IOException {
        Path file = Files.writeString(dir.resolve("served.txt"), "a.example\n");
        ProcessorConfig config = ProcessorConfig.fromProperties(new Properties(), Map.of(
                "TLSRPT_SERVED_DOMAINS", "inline.example", "TLSRPT_SERVED_DOMAINS_FILE", file.toString(),
                "TLSRPT_SERVED_DOMAINS_RELOAD_INTERVAL", "PT1H"));   // the test reloads by hand
        try (ServedDomainsReloader reloader = ServedDomainsReloader.start(config, registry)) {
            assertThat(inForce()).isEqualTo(2);
            assertThat(reloader.current().serves("b.example")).isFalse();

            reloader.reload();
            assertThat(reloads("applied")).isZero();
            Files.writeString(file, "a.example\nb.example\n*.c.example\n");
            reloader.reload();
            assertThat(reloads("applied")).isEqualTo(1);
            assertThat(reloader.current().serves("b.example")).isTrue();
            assertThat(reloader.current().serves("inline.example")).isTrue();
            assertThat(inForce()).isEqualTo(4);

            Files.writeString(file, "a.example\nb.example\n*.c.example\nhalf writ");
            reloader.reload();
            assertThat(reloads("failed")).isEqualTo(1);
            assertThat(inForce()).as("the list in force stays").isEqualTo(4);
        }
    }

    @Test
    void withoutAFileTheKeysListIsInForceAndNothingIsReloaded() {
        ProcessorConfig config = ProcessorConfig.fromProperties(new Properties());
        try (ServedDomainsReloader reloader = ServedDomainsReloader.start(config, registry)) {
            assertThat(reloader.current().servesAll()).isTrue();
            assertThat(inForce()).isZero();
            assertThat(reloads("applied") + reloads("failed")).isZero();
        }
    }
}
