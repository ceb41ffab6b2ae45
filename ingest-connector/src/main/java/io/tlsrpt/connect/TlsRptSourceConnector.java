package io.tlsrpt.connect;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.common.config.ConfigException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kafka Connect source connector for SMTP TLS reports (RFC 8460): HTTPS POSTs, an IMAP mailbox and a spool directory
 * become raw records on one topic. The connector does not parse reports; the stream processor does.
 * <p>
 * Task assignment: each enabled source runs in exactly one task (the HTTPS receiver binds a port, the mailbox and the
 * directory are read by one reader each). With tasks.max at least the number of enabled sources each source gets its
 * own task, in the order https, imap, spool; with fewer tasks the sources are dealt round-robin (tasks.max=1: one task
 * runs them all).
 */
public final class TlsRptSourceConnector extends SourceConnector {
    private Map<String, String> props;
    private List<String> sources;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        try {
            TlsRptSourceConfig config = new TlsRptSourceConfig(props);
            this.sources = config.enabledSources();
        } catch (ConfigException e) {
            throw new ConnectException("Invalid TLS-RPT source connector configuration: " + e.getMessage(), e);
        }
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return TlsRptSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return assign(props, sources, maxTasks);
    }

    static List<Map<String, String>> assign(Map<String, String> props, List<String> sources, int maxTasks) {
        int tasks = Math.max(1, Math.min(maxTasks, sources.size()));
        List<List<String>> roles = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            roles.add(new ArrayList<>());
        }
        for (int i = 0; i < sources.size(); i++) {
            roles.get(i % tasks).add(sources.get(i));
        }
        List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            Map<String, String> taskProps = new HashMap<>(props);
            taskProps.put(TlsRptSourceConfig.TASK_SOURCES, String.join(",", roles.get(i)));
            taskProps.put(TlsRptSourceConfig.TASK_INDEX, Integer.toString(i));
            configs.add(taskProps);
        }
        return configs;
    }

    @Override
    public void stop() {
        // nothing held: the tasks own every resource
    }

    @Override
    public ConfigDef config() {
        return TlsRptSourceConfig.CONFIG_DEF;
    }

    /** Adds the cross-key rules (at least one source, required keys of enabled sources) to the per-key validation. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config result = super.validate(connectorConfigs);
        boolean keysValid = result.configValues().stream().allMatch(v -> v.errorMessages().isEmpty());
        if (keysValid) {
            List<String> problems;
            try {
                problems = TlsRptSourceConfig.validateSources(
                        new org.apache.kafka.common.config.AbstractConfig(TlsRptSourceConfig.CONFIG_DEF, connectorConfigs, false));
            } catch (ConfigException e) {
                problems = List.of(e.getMessage());
            }
            for (String problem : problems) {
                String key = problem.split(" ", 2)[0];
                ConfigValue target = result.configValues().stream().filter(v -> v.name().equals(key)).findFirst()
                        .orElse(result.configValues().stream()
                                .filter(v -> v.name().equals(TlsRptSourceConfig.HTTPS_ENABLED)).findFirst().orElseThrow());
                target.addErrorMessage(problem);
            }
        }
        return result;
    }

    /**
     * The mailbox and spool sources keep real, monotonic offsets (UID, claim sequence) and move their input only
     * after the commit, so they support exactly-once delivery in a worker with exactly.once.source.support=enabled.
     * The HTTPS receiver cannot: a sender that timed out retries, so its reports are at-least-once (deduplicated by
     * the record key downstream).
     */
    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        return Boolean.parseBoolean(connectorConfig.getOrDefault(TlsRptSourceConfig.HTTPS_ENABLED, "false"))
                ? ExactlyOnceSupport.UNSUPPORTED
                : ExactlyOnceSupport.SUPPORTED;
    }
}
