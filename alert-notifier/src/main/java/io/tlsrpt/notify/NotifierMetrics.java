package io.tlsrpt.notify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The notifier's meters. In Prometheus form: {@code tlsrpt_notifier_posts_total{result,alertmanager}} (alerts, not
 * requests), {@code tlsrpt_notifier_retries_total{alertmanager}}, {@code tlsrpt_notifier_records_invalid_total},
 * {@code tlsrpt_notifier_lag_records} (records not yet accepted by every Alertmanager, plus the consumer lag),
 * {@code tlsrpt_notifier_lag_seconds} (age of the oldest such record), {@code tlsrpt_notifier_firing_alerts}.
 */
final class NotifierMetrics {

    private final MeterRegistry registry;
    private final Counter invalid;
    final AtomicLong lagRecords = new AtomicLong();
    final AtomicLong lagMillis = new AtomicLong();
    final AtomicLong firing = new AtomicLong();

    NotifierMetrics(MeterRegistry registry) {
        this.registry = registry;
        invalid = Counter.builder("tlsrpt.notifier.records.invalid")
                .description("records on the alert topic that are not valid alerts (logged, skipped)")
                .register(registry);
        Gauge.builder("tlsrpt.notifier.lag.records", lagRecords, AtomicLong::get)
                .description("alert records not yet accepted by every Alertmanager, including unread ones")
                .register(registry);
        Gauge.builder("tlsrpt.notifier.lag.seconds", lagMillis, v -> v.get() / 1000.0)
                .description("age of the oldest alert record not yet accepted by every Alertmanager")
                .register(registry);
        Gauge.builder("tlsrpt.notifier.firing.alerts", firing, AtomicLong::get)
                .description("alerts currently firing and re-sent by this instance")
                .register(registry);
    }

    void posted(URI alertmanager, AlertmanagerClient.Outcome outcome, int alerts) {
        Counter.builder("tlsrpt.notifier.posts")
                .description("alerts posted to Alertmanager, by result")
                .tag("result", outcome.name().toLowerCase(java.util.Locale.ROOT))
                .tag("alertmanager", NotifierConfig.redact(alertmanager))
                .register(registry)
                .increment(alerts);
    }

    void retried(URI alertmanager) {
        Counter.builder("tlsrpt.notifier.retries")
                .description("posts to Alertmanager scheduled for a retry after a failure")
                .tag("alertmanager", NotifierConfig.redact(alertmanager))
                .register(registry)
                .increment();
    }

    void invalidRecord() {
        invalid.increment();
    }
}
