package io.tlsrpt.cli.run;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@code tlsrpt run} starts and where.
 *
 * @param dataDir      everything that must survive a restart lives here (absolute)
 * @param bootstrap    an external Kafka cluster, or null for the embedded broker
 * @param registryUrl  {@code schema.registry.url}: an external registry or {@code mock://...}
 * @param intakePort   port of the HTTPS intake endpoint on 127.0.0.1 (0: any free port)
 * @param metricsPort  port of the processor's metrics and health endpoints on 127.0.0.1 (0: any free port)
 * @param alertmanager Alertmanager base URL for the notifier, or null for no notifier
 * @param seed         feed the generated demo month once per data directory
 */
public record RunSettings(Path dataDir, String bootstrap, String registryUrl, int intakePort, int metricsPort,
                          URI alertmanager, boolean seed) {

    /** Registry used when none is given: in this JVM only. */
    public static final String DEFAULT_REGISTRY = "mock://tlsrpt-run";
    /** Default intake port (the connector's default HTTPS port). */
    public static final int DEFAULT_INTAKE_PORT = 8443;
    /** Default metrics port (the processor's default). */
    public static final int DEFAULT_METRICS_PORT = 9464;

    public RunSettings {
        dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath().normalize();
        Objects.requireNonNull(registryUrl, "registryUrl");
        checkPort("intake port", intakePort);
        checkPort("metrics port", metricsPort);
    }

    /** True when the run starts its own broker. */
    public boolean embeddedBroker() {
        return bootstrap == null;
    }

    private static void checkPort(String what, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(what + " out of range 0..65535: " + port);
        }
    }
}
