package io.tlsrpt.cli.bench;

import io.tlsrpt.processor.app.TlsRptProcessor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A portal polling the domain list while reports arrive ({@code tlsrpt bench --steady-rate N --poll-domain-list S}):
 * {@code GET /v1/domains?limit=50} every {@code S} seconds (after the previous answer), each answer's latency kept,
 * and how many of the partitions' sums the lists took kept or read while they waited
 * ({@code tlsrpt_domain_list_partition_sums_total}), read from the processor's {@code /metrics} before and after.
 */
final class ListPoller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ListPoller.class);
    private static final Pattern SUMS = Pattern.compile(
        "^tlsrpt_domain_list_partition_sums_total\\{[^}]*source=\"(kept|read)\"[^}]*} ([0-9.eE+-]+)$",
        Pattern.MULTILINE);

    /**
     * What the polls saw: the first answer's latency in ms (-1: none; the instance kept no sums yet), the others'
     * (sorted), answers other than 200, and the sums kept and read meanwhile.
     */
    record Polled(Duration every, long firstMillis, List<Long> millis, int failed, long kept, long read) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final Duration every;
    private final ScheduledExecutorService poller;
    private final List<Long> millis = new ArrayList<>();
    private final long[] sumsBefore;
    private int failed;

    private ListPoller(TlsRptProcessor processor, Duration every) {
        this.base = "http://127.0.0.1:" + processor.httpAddress().getPort();
        this.every = every;
        this.sumsBefore = sums();
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tlsrpt-bench-list-poller");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(this::poll, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts polling {@code processor}'s domain list every {@code every}. */
    static ListPoller start(TlsRptProcessor processor, Duration every) {
        return new ListPoller(processor, every);
    }

    private void poll() {
        long t0 = System.nanoTime();
        try {
            HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(URI.create(base
                + TlsRptProcessor.DOMAIN_LIST_PATH + "?limit=50")).timeout(Duration.ofMinutes(1)).build(),
                HttpResponse.BodyHandlers.discarding());
            long took = (System.nanoTime() - t0) / 1_000_000;
            synchronized (this) {
                if (answer.statusCode() == 200) {
                    millis.add(took);
                } else {
                    failed++;
                    LOG.warn("the domain list answered {} while reports arrive", answer.statusCode());
                }
            }
        } catch (IOException e) {
            synchronized (this) {
                failed++;
            }
            LOG.warn("the domain list could not be asked: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The kept and read counts of {@code tlsrpt_domain_list_partition_sums_total} now. */
    private long[] sums() {
        long[] counts = new long[2];
        try {
            String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = SUMS.matcher(metrics);
            while (m.find()) {
                counts[m.group(1).equals("kept") ? 0 : 1] += (long) Double.parseDouble(m.group(2));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the processor's metrics", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the processor's metrics", e);
        }
        return counts;
    }

    /** Stops polling (the poll under way finishes first) and says what the polls saw. */
    Polled stop() throws InterruptedException {
        poller.shutdown();
        if (!poller.awaitTermination(2, TimeUnit.MINUTES)) {
            throw new IllegalStateException("the domain list poller did not stop");
        }
        long[] after = sums();
        synchronized (this) {
            List<Long> others = new ArrayList<>(millis.subList(Math.min(1, millis.size()), millis.size()));
            others.sort(null);
            return new Polled(every, millis.isEmpty() ? -1 : millis.get(0), others, failed,
                after[0] - sumsBefore[0], after[1] - sumsBefore[1]);
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
