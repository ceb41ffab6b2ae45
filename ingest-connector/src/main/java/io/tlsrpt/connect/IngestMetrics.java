package io.tlsrpt.connect;

import io.tlsrpt.oauth.TokenEndpoint;
import io.tlsrpt.tls.ServerCertificate;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Max;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The connector's metrics, registered through Connect's {@link PluginMetrics} so they appear in the worker's JMX and
 * metrics reporters (group "plugins", tagged with connector and task by the worker). Names:
 * <ul>
 * <li>https-requests-total {status}: HTTP answers by status code</li>
 * <li>https-bytes-total, imap-bytes-total, spool-bytes-total: payload bytes taken in</li>
 * <li>https-reports-total, imap-messages-total, spool-files-total: payloads taken in (queued for Kafka)</li>
 * <li>imap-messages-failed-total, spool-files-failed-total: mails or files set aside as unreadable or too large</li>
 * <li>records-committed-total {intake}, records-dropped-total {intake}</li>
 * <li>receipt-to-commit-ms-avg / -max {intake}: time from receipt to Kafka acknowledgement</li>
 * <li>queue-records, queue-bytes: hand-over queue fill</li>
 * <li>dkim-results-total {intake, result}: DKIM verdicts on report mails</li>
 * <li>https-certificate-not-after-seconds, https-certificate-reloads-total {result}: the receiver's certificate</li>
 * <li>imap-connections-total {result}: connections to the IMAP server, logged in, refused or failed</li>
 * <li>imap-token-requests-total {result}: the IMAP login's OAuth access tokens obtained or asked for in vain</li>
 * </ul>
 * The {@code intake} tag (https, imap, spool) is the processor's label for the same thing
 * ({@code tlsrpt_raw_records_total{intake}}); {@code source} would clash in Prometheus with the alerting rules' routing
 * label.
 */
public final class IngestMetrics implements AutoCloseable {
    private final PluginMetrics plugin;
    private final String sensorPrefix;
    private final Map<String, Sensor> sensors = new ConcurrentHashMap<>();
    private final List<MetricName> gauges = new ArrayList<>();

    public IngestMetrics(PluginMetrics plugin, String sensorPrefix) {
        this.plugin = plugin;
        this.sensorPrefix = sensorPrefix;
    }

    public void registerQueueGauges(RecordQueue queue) {
        gauge("queue-records", "Records waiting in the hand-over queue", () -> (double) queue.size());
        gauge("queue-bytes", "Payload bytes waiting in the hand-over queue", () -> (double) queue.bytes());
    }

    /** The HTTPS receiver's certificate: when it expires, and its files' reloads (https.keystore.path). */
    public void registerCertificateGauges(ServerCertificate certificate) {
        gauge("https-certificate-not-after-seconds", "When the certificate the HTTPS receiver presents expires, as a"
                + " Unix time", () -> (double) certificate.certificate().getNotAfter().toInstant().getEpochSecond());
        String reloads = "Changed keystore files read again and served (applied), or refused, the certificate in"
                + " force kept (failed)";
        gauge("https-certificate-reloads-total", reloads, tags("result", "applied"),
                () -> (double) certificate.reloadsApplied());
        gauge("https-certificate-reloads-total", reloads, tags("result", "failed"),
                () -> (double) certificate.reloadsRefused());
    }

    /** The IMAP login's access tokens from a token endpoint (imap.oauth.token.url): obtained, and requests failed. */
    public void registerTokenGauges(TokenEndpoint endpoint) {
        String doc = "Access tokens the IMAP login obtained from its OAuth token endpoint (obtained), or asked for in"
                + " vain: refused, unreadable or unanswered (failed)";
        gauge("imap-token-requests-total", doc, tags("result", "obtained"), () -> (double) endpoint.obtainedCount());
        gauge("imap-token-requests-total", doc, tags("result", "failed"), () -> (double) endpoint.failedCount());
    }

    private void gauge(String name, String doc, Supplier<Double> value) {
        gauge(name, doc, new LinkedHashMap<>(), value);
    }

    private void gauge(String name, String doc, LinkedHashMap<String, String> tags, Supplier<Double> value) {
        MetricName metricName = plugin.metricName(name, doc, tags);
        plugin.addMetric(metricName, (Gauge<Double>) (config, now) -> value.get());
        gauges.add(metricName);
    }

    public void httpResponse(int status) {
        counter("https-requests-total", "HTTP answers given, by status code", tags("status", Integer.toString(status)))
                .record();
    }

    /** A payload was taken in (queued for Kafka) by the named source. */
    public void received(String source, long bytes) {
        String unit = switch (source) {
            case TlsRptSourceConfig.SOURCE_IMAP -> "imap-messages-total";
            case TlsRptSourceConfig.SOURCE_SPOOL -> "spool-files-total";
            default -> "https-reports-total";
        };
        counter(unit, "Payloads taken in by the " + source + " source", tags()).record();
        sum(source + "-bytes-total", "Payload bytes taken in by the " + source + " source", tags()).record(bytes);
    }

    /** The DKIM verdict on a mail (dkim.verify). */
    public void dkim(String source, String result) {
        counter("dkim-results-total", "DKIM verdicts on report mails, by result (pass, fail, permerror, temperror,"
                + " none)", tags("intake", source, "result", result)).record();
    }

    /**
     * A connection to the IMAP server: logged in, refused (the server refused the password or token), or failed
     * (unreachable, TLS, or no token could be had).
     */
    public void imapConnection(String result) {
        counter("imap-connections-total", "Connections to the IMAP server: logged in, refused (the login was refused)"
                + " or failed (unreachable, TLS, no access token)", tags("result", result)).record();
    }

    public void failed(String source) {
        String name = TlsRptSourceConfig.SOURCE_IMAP.equals(source) ? "imap-messages-failed-total" : "spool-files-failed-total";
        counter(name, "Payloads set aside as unreadable or too large", tags()).record();
    }

    public void committed(String source, long receiptToCommitMillis) {
        counter("records-committed-total", "Records acknowledged by Kafka", tags("intake", source)).record();
        latency(source).record(receiptToCommitMillis);
    }

    public void dropped(String source) {
        counter("records-dropped-total", "Records Connect dropped (transformation filter or tolerated error)",
                tags("intake", source)).record();
    }

    private Sensor latency(String source) {
        String key = "receipt-to-commit." + source;
        return sensors.computeIfAbsent(key, k -> {
            Sensor s = plugin.addSensor(sensorPrefix + k);
            LinkedHashMap<String, String> t = tags("intake", source);
            s.add(plugin.metricName("receipt-to-commit-ms-avg", "Average time from receipt to Kafka acknowledgement", t), new Avg());
            s.add(plugin.metricName("receipt-to-commit-ms-max", "Longest time from receipt to Kafka acknowledgement", t), new Max());
            return s;
        });
    }

    private Sensor counter(String name, String doc, LinkedHashMap<String, String> tags) {
        String key = name + tags;
        return sensors.computeIfAbsent(key, k -> {
            Sensor s = plugin.addSensor(sensorPrefix + k);
            s.add(plugin.metricName(name, doc, tags), new CumulativeCount());
            return s;
        });
    }

    private Sensor sum(String name, String doc, LinkedHashMap<String, String> tags) {
        String key = name + tags;
        return sensors.computeIfAbsent(key, k -> {
            Sensor s = plugin.addSensor(sensorPrefix + k);
            s.add(plugin.metricName(name, doc, tags), new CumulativeSum());
            return s;
        });
    }

    private static LinkedHashMap<String, String> tags(String... kv) {
        LinkedHashMap<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Override
    public void close() {
        for (String key : sensors.keySet()) {
            plugin.removeSensor(sensorPrefix + key);
        }
        sensors.clear();
        gauges.forEach(plugin::removeMetric);
        gauges.clear();
    }
}
