package io.tlsrpt.notify;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;

/**
 * Registers the alert notifier's meters (NotifierMetrics is package-private, hence this class in its package) and
 * moves each once, so that a scrape lists every series the notifier can expose.
 */
public final class NotifierMeters {

    private NotifierMeters() {
    }

    public static void registerAll(MeterRegistry registry) {
        NotifierMetrics metrics = new NotifierMetrics(registry);
        URI alertmanager = URI.create("http://alertmanager:9093");
        for (AlertmanagerClient.Outcome outcome : AlertmanagerClient.Outcome.values()) {
            metrics.posted(alertmanager, outcome, 1);
        }
        metrics.retried(alertmanager);
        metrics.invalidRecord();
    }
}
