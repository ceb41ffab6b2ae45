package io.tlsrpt.cli.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The Kafka cluster a benchmark runs against: an embedded broker in a child JVM ({@link BrokerProcess}), or an
 * external cluster given by {@code --bootstrap}, where every topic and group gets the run's suffix so that runs
 * never see each other's data.
 */
final class BenchTarget implements AutoCloseable {

    private final BrokerProcess broker;
    private final String bootstrap;
    private final String suffix;

    private BenchTarget(BrokerProcess broker, String bootstrap, String suffix) {
        this.broker = broker;
        this.bootstrap = bootstrap;
        this.suffix = suffix;
    }

    static BenchTarget open(String externalBootstrap, Path dir, String runId) {
        if (externalBootstrap != null) {
            return new BenchTarget(null, externalBootstrap, "-" + runId);
        }
        BrokerProcess b = BrokerProcess.start(dir.resolve("kafka"));
        return new BenchTarget(b, b.bootstrapServers(), "");
    }

    String bootstrap() {
        return bootstrap;
    }

    boolean embedded() {
        return broker != null;
    }

    /** A topic or group name for this run. */
    String name(String base) {
        return base + suffix;
    }

    /** What {@link #name} appends: empty on the embedded broker, {@code -<run id>} on an external cluster. */
    String suffix() {
        return suffix;
    }

    /** A topic this run created, or its processor did (internal topics start with its suffixed application id). */
    boolean isOfThisRun(String topic) {
        return suffix.isEmpty() || topic.contains(suffix);
    }

    /** RSS of the embedded broker process in bytes (-1 when external). */
    long brokerRssBytes() {
        return broker == null ? -1 : broker.rssBytes();
    }

    /** CPU time of the embedded broker in nanoseconds (-1 when external). */
    long brokerCpuNanos() {
        return broker == null ? -1 : broker.cpuNanos();
    }

    /** Process id of the embedded broker (-1 when external). */
    long brokerPid() {
        return broker == null ? -1 : broker.pid();
    }

    Map<String, Object> client() {
        return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    }

    /** Creates the topics (replication: 1 embedded, the cluster default otherwise); existing ones are kept. */
    void createTopics(int partitions, String... topics) {
        List<NewTopic> news = new ArrayList<>();
        for (String t : topics) {
            news.add(embedded() ? new NewTopic(t, partitions, (short) 1)
                : new NewTopic(t, java.util.Optional.of(partitions), java.util.Optional.empty()));
        }
        try (Admin admin = Admin.create(client())) {
            admin.createTopics(news).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the benchmark topics", e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("creating the benchmark topics timed out after "
                + Duration.ofSeconds(60), e);
        }
    }

    @Override
    public void close() {
        if (broker != null) {
            broker.close();
        }
    }
}
