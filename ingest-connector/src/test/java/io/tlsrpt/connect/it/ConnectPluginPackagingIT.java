package io.tlsrpt.connect.it;

import io.tlsrpt.connect.TlsRptSourceConfig;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.runtime.isolation.PluginClassLoader;
import org.apache.kafka.connect.runtime.isolation.Plugins;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The plugin directory built by `mvn package` loads in Connect's isolated plugin class loader from plugin.path. */
class ConnectPluginPackagingIT {

    private static Path pluginDirectory() throws Exception {
        try (Stream<Path> target = Files.list(Path.of("target"))) {
            return target.filter(p -> Files.isDirectory(p) && p.getFileName().toString().endsWith("-plugin"))
                    .findFirst().orElseThrow(() -> new AssertionError("run mvn package first: no target/*-plugin"));
        }
    }

    @Test
    void pluginDirectoryHoldsTheConnectorAndItsRuntimeDependenciesOnly() throws Exception {
        Path lib = pluginDirectory().resolve("tlsrpt-ingest-connector/lib");
        List<String> jars;
        try (Stream<Path> s = Files.list(lib)) {
            jars = s.map(p -> p.getFileName().toString()).toList();
        }
        assertThat(jars).anyMatch(j -> j.startsWith("tlsrpt-ingest-connector-"))
                .anyMatch(j -> j.startsWith("angus-mail-"))
                .anyMatch(j -> j.startsWith("dnsjava-"))   // the DKIM key lookups (dkim.verify)
                .anyMatch(j -> j.startsWith("jackson-core-"))   // the OAuth token endpoint's answers
                .noneMatch(j -> j.startsWith("kafka-clients") || j.startsWith("connect-api") || j.startsWith("slf4j")
                        || j.contains("jetty"));
        Path connectorJar = lib.resolve(jars.stream().filter(j -> j.startsWith("tlsrpt-ingest-connector-")).findFirst().orElseThrow());
        try (JarFile jar = new JarFile(connectorJar.toFile())) {
            var entry = jar.getEntry("META-INF/services/org.apache.kafka.connect.source.SourceConnector");
            assertThat(entry).isNotNull();
            assertThat(new String(jar.getInputStream(entry).readAllBytes())).contains("io.tlsrpt.connect.TlsRptSourceConnector");
        }
    }

    @Test
    void connectLoadsThePluginFromPluginPathInIsolation() throws Exception {
        Plugins plugins = new Plugins(Map.of("plugin.path", pluginDirectory().toAbsolutePath().toString(),
                "plugin.discovery", "service_load"));
        // this test's own class path has the connector too; pick the copy Connect found under plugin.path
        var fromPluginPath = plugins.sourceConnectors().stream()
                .filter(d -> d.className().equals("io.tlsrpt.connect.TlsRptSourceConnector"))
                .filter(d -> d.loader() instanceof PluginClassLoader)
                .findFirst().orElseThrow(() -> new AssertionError("connector not found under plugin.path"));
        assertThat(fromPluginPath.location()).contains("tlsrpt-ingest-connector");
        Connector connector = (Connector) fromPluginPath.pluginClass().getDeclaredConstructor().newInstance();
        assertThat(connector.getClass().getClassLoader()).isInstanceOf(PluginClassLoader.class);
        assertThat(connector.config().names()).isEqualTo(TlsRptSourceConfig.keyNames());
        assertThat(connector.version()).isEqualTo(fromPluginPath.version());
    }
}
