package io.tlsrpt.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Java21LocatorTest {

    @TempDir
    Path jdks;

    @Test
    void readsTheFeatureVersionFromAJdksReleaseFile() throws IOException {
        assertThat(Java21Locator.feature(jdk("temurin-25", "JAVA_VERSION=\"25.0.3\""))).isEqualTo(25);
        assertThat(Java21Locator.feature(jdk("openjdk-17", "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"17.0.15\""))).isEqualTo(17);
        assertThat(Java21Locator.feature(jdk("jdk8", "JAVA_VERSION=\"1.8.0_392\""))).isEqualTo(8);
        assertThat(Java21Locator.feature(jdk("ea", "JAVA_VERSION=\"26-ea\""))).isEqualTo(26);
        assertThat(Java21Locator.feature(jdk("broken", "JAVA_VERSION=\"\""))).isEqualTo(-1);
        assertThat(Java21Locator.feature(jdks.resolve("no-such-jdk"))).isEqualTo(-1);
    }

    @Test
    void findsAJavaThatCanRunApicurioOrSaysWhereItLooked() {
        Java21Locator locator = new Java21Locator();
        var java = locator.find();
        if (java.isPresent()) {
            assertThat(java.get()).isExecutable();
            assertThat(Java21Locator.feature(java.get().getParent().getParent()))
                    .isGreaterThanOrEqualTo(Java21Locator.MINIMUM_FEATURE);
        } else {
            assertThat(locator.looked()).isNotBlank();
        }
    }

    private Path jdk(String name, String release) throws IOException {
        Path home = Files.createDirectories(jdks.resolve(name));
        Files.writeString(home.resolve("release"), release + "\n");
        return home;
    }
}
