package io.tlsrpt.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.tlsrpt.notify.NotifierConfig;
import io.tlsrpt.processor.topology.TopicNames;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Example configuration files kept under deploy/ load with the configuration class they are written for. */
class ConfigFilesTest {

    @Test
    void theNotifierExamplePropertiesAreAValidNotifierConfiguration() {
        Path file = DeployFiles.ROOT.resolve("alertmanager/notifier.properties");
        Properties props = DeployFiles.properties(file);
        Map<String, String> map = new LinkedHashMap<>();
        props.stringPropertyNames().forEach(n -> map.put(n, props.getProperty(n)));
        assertThat(map).as(file.toString()).isNotEmpty();
        // unknown keys and invalid values throw; no environment, so the file alone is judged
        assertThatCode(() -> NotifierConfig.from(map, Map.of())).as(file.toString()).doesNotThrowAnyException();
        assertThat(NotifierConfig.from(map, Map.of()).topic()).isIn(TopicNames.defaults().all());
    }
}
