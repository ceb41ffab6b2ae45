package io.tlsrpt.cli.watch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.cli.KafkaClientOptions;
import io.tlsrpt.embedded.TopicSnapshot;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tlsrpt posture}: what {@code tlsrpt watch} last found about each domain, from the committed records of its
 * compacted posture topic on any cluster: the published records and policies, the MX probes, the rua destinations,
 * the open incidents and what changed at the last check. Nothing is committed.
 */
@Command(
    name = "posture",
    mixinStandardHelpOptions = true,
    description = {
        "Show what tlsrpt watch last found about each watched DOMAIN (all of them without one), from its posture "
            + "topic: one line per domain, or with DOMAIN arguments the whole posture of each (the _smtp._tls record "
            + "and its rua destinations, MTA-STS, DANE, the MX probes, the open incidents, the last changes).",
        "Exit codes: 0 ok, 1 the topic does not exist or could not be read, or a DOMAIN is not watched, 2 usage "
            + "error."})
public final class PostureCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(PostureCommand.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    KafkaClientOptions cluster;

    @Parameters(paramLabel = "DOMAIN", arity = "0..*", description = "The watched domains to show in full.")
    List<String> domains = List.of();

    @Option(names = "--posture-topic", paramLabel = "TOPIC", defaultValue = WatchCommand.DEFAULT_POSTURE_TOPIC,
        description = "The watch's posture topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
        description = "text, or json (each posture record as the watch wrote it, one per line). Default: "
            + "${DEFAULT-VALUE}.")
    String format;

    @Override
    public Integer call() {
        if (!format.equals("text") && !format.equals("json")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format must be text or json");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, Object> client = cluster.properties();
        Map<String, JsonNode> postures = new TreeMap<>();
        try {
            if (!TopicSnapshot.exists(client, topic)) {
                err.println("tlsrpt posture: " + topic + " does not exist on this cluster (tlsrpt watch creates it; "
                    + "see --posture-topic)");
                return 1;
            }
            TopicSnapshot.forEach(client, topic, r -> keep(postures, r.key(), r.value()));
        } catch (KafkaException | IllegalStateException e) {   // unreachable, not authorised
            LOG.debug("reading {} failed", topic, e);
            err.println("tlsrpt posture: cannot read " + topic + ": " + e.getMessage());
            return 1;
        }
        List<String> wanted = domains.stream().map(io.tlsrpt.cli.PolicyDomains::normalised).distinct().toList();
        int missing = 0;
        for (String domain : wanted.isEmpty() ? List.copyOf(postures.keySet()) : wanted) {
            JsonNode posture = postures.get(domain);
            if (posture == null) {
                err.println("tlsrpt posture: " + domain + " is not watched (no posture in " + topic + ")");
                missing++;
            } else if (format.equals("json")) {
                out.println(posture);
            } else if (wanted.isEmpty()) {
                out.println(PostureText.line(posture));
            } else {
                out.print(PostureText.full(posture));
            }
        }
        out.flush();
        err.printf(Locale.ROOT, "tlsrpt posture: %d domains watched in %s%n", postures.size(), topic);
        err.flush();
        return missing == 0 ? 0 : 1;
    }

    /** The last record of each key wins; a tombstone (the domain left the watch) removes it. */
    private static void keep(Map<String, JsonNode> postures, byte[] key, byte[] value) {
        if (key == null) {
            return;
        }
        String domain = new String(key, StandardCharsets.UTF_8);
        if (value == null) {
            postures.remove(domain);
            return;
        }
        try {
            postures.put(domain, JSON.readTree(value));
        } catch (IOException e) {
            LOG.warn("skipping a record of {} that is not JSON: {}", domain, e.getMessage());
        }
    }
}
