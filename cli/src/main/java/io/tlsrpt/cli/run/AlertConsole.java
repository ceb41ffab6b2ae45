package io.tlsrpt.cli.run;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prints one readable line per alert of the JSON alert topic. It reads committed records only (the processor writes
 * in transactions) with its own consumer group and commits after printing, so a restart resumes after the last line
 * shown: alerts already seen are not shown again.
 */
public final class AlertConsole implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertConsole.class);
    /** Consumer group that remembers what was shown. */
    public static final String GROUP_ID = "tlsrpt-run-console";

    private final KafkaConsumer<String, String> consumer;
    private final PrintWriter out;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicLong printed = new AtomicLong();
    private volatile boolean running = true;

    private AlertConsole(String bootstrap, String topic, PrintWriter out) {
        this.out = out;
        this.consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG, GROUP_ID,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(topic));
        this.thread = new Thread(this::run, "tlsrpt-run-alert-console");
        thread.setDaemon(true);
    }

    /** Starts printing the alerts of {@code topic} to {@code out}. */
    public static AlertConsole start(String bootstrap, String topic, PrintWriter out) {
        AlertConsole console = new AlertConsole(bootstrap, topic, out);
        console.thread.start();
        return console;
    }

    /** Alert lines printed since this console started. */
    public long printed() {
        return printed.get();
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    continue;
                }
                for (ConsumerRecord<String, String> record : records) {
                    out.println(AlertLine.format(record.value()));
                    printed.incrementAndGet();
                }
                out.flush();
                consumer.commitSync();
            }
        } catch (WakeupException e) {
            LOG.debug("alert console woken up to stop");
        } catch (RuntimeException e) {
            LOG.error("the alert console stopped; alerts are still in the topic and the notifier still runs", e);
        } finally {
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                LOG.warn("closing the alert console's consumer failed: {}", e.toString());
            }
            stopped.countDown();
        }
    }

    /** Stops after the current batch (its lines printed and committed). */
    @Override
    public void close() {
        running = false;
        try {
            // let the current poll end by itself (at most 500 ms), so that printed lines are always committed;
            // wake the consumer only if it hangs (e.g. the broker is gone)
            if (!stopped.await(2, TimeUnit.SECONDS)) {
                consumer.wakeup();
                if (!stopped.await(8, TimeUnit.SECONDS)) {
                    LOG.warn("the alert console did not stop within 10 s");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
