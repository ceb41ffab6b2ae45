package io.tlsrpt.cli.deadletter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tlsrpt.cli.KafkaClientOptions;
import io.tlsrpt.connect.dkim.DkimVerifier;
import io.tlsrpt.connect.dkim.DnsDkimKeys;
import io.tlsrpt.connect.dns.ResolverAddress;
import io.tlsrpt.embedded.RawInputProducer;
import io.tlsrpt.embedded.TopicSnapshot;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tlsrpt dead-letters}: lists what the processor dead-lettered and why, and re-drives chosen dead letters to
 * the raw topic once their cause is fixed (a decoder cap raised, a decoder bug fixed).
 *
 * <p>Reads the dead-letter topic as it is when the command starts (every partition to its current end, read
 * committed, no consumer group, so nothing is committed or moved). A replayed record keeps its original key, bytes,
 * headers and timestamp (so the processor judges it by its first arrival, and drops it as a duplicate if a copy of
 * the report got through meanwhile), loses the {@code tlsrpt.dlq.*} headers and gains {@code tlsrpt.replayed-from};
 * a mail the connector DKIM-checked gets a fresh {@code tlsrpt.dkim} verdict, as of its arrival.
 * The dead letters stay where they are: the topic is a record, not a queue.
 */
@Command(
    name = "dead-letters",
    mixinStandardHelpOptions = true,
    description = {
        "List the records the stream processor dead-lettered (one JSON line each on standard output: reason, stage, "
            + "message, where it came from, its provenance headers) and, with --replay-to, write the chosen ones "
            + "back to the raw topic once their cause is fixed. A summary by reason goes to standard error.",
        "Only a dead letter whose source topic is the --replay-to topic is replayed (one from an internal topic "
            + "of the processor holds that topic's bytes, not a raw input); the others are listed as skipped.",
        "Exit codes: 0 ok, 1 the topic could not be read or a replayed record could not be written, 2 usage error."})
public final class DeadLettersCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLettersCommand.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    KafkaClientOptions cluster;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = "tlsrpt.dead-letter",
        description = "The dead-letter topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--reason", paramLabel = "CODE",
        description = "Only dead letters with this reason code (e.g. mime-limit, too-large). Repeatable.")
    Set<String> reasons = new LinkedHashSet<>();

    @Option(names = "--key", paramLabel = "KEY",
        description = "Only the dead letter(s) of this raw key (the payload's SHA-256). Repeatable.")
    Set<String> keys = new LinkedHashSet<>();

    @Option(names = "--failed-before", paramLabel = "INSTANT",
        description = "Only dead letters that failed before this time (ISO-8601, e.g. 2026-11-29T16:00:00Z): the "
            + "time a fix was deployed, so that what failed with the fix in place is left alone.")
    Instant failedBefore;

    @Option(names = "--failed-after", paramLabel = "INSTANT",
        description = "Only dead letters that failed at or after this time (ISO-8601).")
    Instant failedAfter;

    @Option(names = "--replay-to", paramLabel = "TOPIC",
        description = "Write the selected dead letters back to this topic (the raw topic, e.g. tlsrpt.raw).")
    String replayTo;

    @Option(names = "--dkim-dns-server", paramLabel = "HOST[:PORT]",
        description = "Resolver for the DKIM keys of replayed mails (default: the system's). A mail the connector "
            + "DKIM-checked (a tlsrpt.dkim header) is verified again before it is replayed, as of its arrival, and "
            + "goes back with the new verdict: a temperror (DNS down at the time) can pass now.")
    String dkimDnsServer;

    @Option(names = "--dkim-dns-timeout", paramLabel = "DURATION", defaultValue = "PT5S",
        description = "Timeout of one DKIM key query (ISO-8601, default: ${DEFAULT-VALUE}).")
    Duration dkimDnsTimeout;

    private DkimVerifier dkimVerifier;

    @Override
    public Integer call() {
        Map<String, Object> client = cluster.properties();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, Integer> byReason = new TreeMap<>();
        long[] selected = {0};
        long[] skipped = {0};
        long read;
        AcknowledgedLines lines = new AcknowledgedLines(out);
        try (RawInputProducer replay = replayTo == null ? null : new RawInputProducer(client, replayTo, "replay")) {
            read = TopicSnapshot.forEach(client, topic, consumed -> {
                DeadLetter letter = new DeadLetter(consumed);
                if (!selected(letter)) {
                    return;
                }
                selected[0]++;
                byReason.merge(String.valueOf(letter.reason()), 1, Integer::sum);
                ObjectNode json = letter.toJson(MAPPER);
                if (replay != null && letter.cameFrom(replayTo)) {
                    String dkim = reverified(letter, consumed.value());
                    if (dkim != null) {
                        json.put("dkim", dkim);
                    }
                    lines.add(json, replay.resend(letter.key(), consumed.value(), letter.replayHeaders(dkim),
                        consumed.timestamp()), replay);
                    return;
                }
                if (replay != null) {
                    skipped[0]++;
                    json.put("replay", "skipped: its source topic is " + letter.sourceTopic() + ", not " + replayTo);
                }
                lines.add(json, null, replay);
            });
            lines.drain(replay);
        } catch (KafkaException e) {   // not authorized, broker unreachable, topic unknown to a fenced client...
            lines.drain(null);   // what was read before: the producer's close waited for its replays
            LOG.debug("reading {} failed", topic, e);
            err.println("tlsrpt dead-letters: cannot read " + topic + (replayTo == null ? "" : " or write " + replayTo)
                + ": " + e.getMessage());
            return 1;
        }
        err.printf("tlsrpt dead-letters: %d read from %s, %d selected%s%s%n", read, topic, selected[0],
            byReason.isEmpty() ? "" : " " + byReason,
            replayTo == null ? "" : String.format("; %d replayed to %s, %d skipped%s", lines.written(), replayTo,
                skipped[0], lines.failed() == 0 ? "" : ", " + lines.failed() + " failed"));
        if (lines.failed() > 0) {
            // each failed line says "replay":"failed: ..."; the first cause once more for the operator
            err.println("tlsrpt dead-letters: " + lines.failed() + " replayed record(s) could not be written to "
                + replayTo + " (first: " + lines.firstFailure() + ")");
            err.flush();
            return 1;
        }
        err.flush();
        return 0;
    }

    /** A fresh DKIM verdict for a mail the connector checked (as of its arrival), or null for any other record. */
    private String reverified(DeadLetter letter, byte[] mail) {
        if (letter.dkim() == null) {
            return null;
        }
        if (dkimVerifier == null) {
            dkimVerifier = DkimVerifier.withDns(dkimDnsServer == null ? DnsDkimKeys.system(dkimDnsTimeout)
                : DnsDkimKeys.at(ResolverAddress.parse(dkimDnsServer), dkimDnsTimeout));
        }
        return dkimVerifier.verify(mail, letter.receivedAt()).header();
    }

    private boolean selected(DeadLetter letter) {
        Instant failedAt = letter.failedAt();
        return (reasons.isEmpty() || reasons.contains(letter.reason()))
            && (keys.isEmpty() || keys.contains(letter.key()))
            // a dead letter without a readable failure time is not selected by a time bound
            && (failedBefore == null || failedAt != null && failedAt.isBefore(failedBefore))
            && (failedAfter == null || failedAt != null && !failedAt.isBefore(failedAfter));
    }
}
