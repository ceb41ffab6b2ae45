package io.tlsrpt.cli.watch;

import io.tlsrpt.schema.Alert;
import io.tlsrpt.schema.AvroJson;
import io.tlsrpt.schema.serde.AvroSerdes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes a round in one transaction: each alert to the Avro and the JSON alert topics (as the stream processor
 * writes them), and each domain's new posture (or its tombstone). A crash between a round's checks and its commit
 * publishes nothing of it, so a restarted watch fires the same incidents once, not twice.
 */
final class WatchPublisher implements AutoCloseable {

    /** The names of the topics the watch writes. */
    record Topics(String alerts, String alertsJson, String posture) {
    }

    private final Map<String, Object> props;
    private final Serializer<Alert> avro;
    private final Topics topics;
    private KafkaProducer<String, byte[]> producer;
    /** Set when an aborted round could not even be aborted: this producer can do no more (a new one can). */
    private volatile boolean broken;

    /**
     * @param serde the Avro serializer's settings (schema.registry.url and its credentials)
     * @throws KafkaException when the transactional producer cannot start (unreachable, not authorised)
     */
    WatchPublisher(Map<String, Object> client, Map<String, Object> serde, String transactionalId, Topics topics) {
        this.props = new HashMap<>(client);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        this.topics = topics;
        this.avro = AvroSerdes.forClass(Alert.class, serde, false).serializer();
        this.producer = startedProducer(props);
    }

    private static KafkaProducer<String, byte[]> startedProducer(Map<String, Object> props) {
        KafkaProducer<String, byte[]> started =
            new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        try {
            // fences an earlier producer with the same id (and aborts what it left open)
            started.initTransactions();
        } catch (RuntimeException e) {
            started.close();
            throw e;
        }
        return started;
    }

    /**
     * Replaces a producer that failed fatally (its round neither committed nor aborted) with a new one under the
     * same transactional id, whose start aborts whatever the old one left open. Seen on a real broker: a watch
     * started as the one before it with the same id ended got {@code InvalidTxnStateException} on its first commit.
     *
     * @throws KafkaException when the new producer cannot start
     */
    void reopen() {
        producer.close(Duration.ZERO);
        broken = false;
        producer = startedProducer(props);
    }

    /**
     * Publishes the round's alerts and postures, or nothing.
     *
     * @param steps each domain's step; a step without {@code next} ends the domain (a tombstone)
     * @param domains the domain of each step, in the same order
     * @throws ProducerFencedException when another watch with the same transactional id took over (fatal)
     * @throws KafkaException when the round could not be published (aborted: nothing of it is visible)
     */
    void publish(List<String> domains, List<WatchStep> steps) {
        if (broken) {
            throw new IllegalStateException("the producer failed to abort an earlier round and cannot go on");
        }
        producer.beginTransaction();
        try {
            for (int i = 0; i < steps.size(); i++) {
                String domain = domains.get(i);
                WatchStep step = steps.get(i);
                for (Alert alert : step.alerts()) {
                    String key = domain + "|" + alert.getKind() + "|watch";
                    producer.send(new ProducerRecord<>(topics.alerts(), key, avro.serialize(topics.alerts(), alert)));
                    producer.send(new ProducerRecord<>(topics.alertsJson(), key,
                        AvroJson.toJson(alert).getBytes(StandardCharsets.UTF_8)));
                }
                producer.send(new ProducerRecord<>(topics.posture(), domain,
                    step.next() == null ? null : PostureJson.write(step).getBytes(StandardCharsets.UTF_8)));
            }
            producer.commitTransaction();
        } catch (ProducerFencedException e) {
            throw e;
        } catch (KafkaException e) {
            abort(e);
            throw e;
        }
    }

    private void abort(KafkaException cause) {
        try {
            producer.abortTransaction();
        } catch (KafkaException | IllegalStateException e) {
            broken = true;
            cause.addSuppressed(e);
        }
    }

    /** Whether another round can be tried with this producer; if not, {@link #reopen()} first. */
    boolean usable() {
        return !broken;
    }

    @Override
    public void close() {
        producer.close();
        avro.close();
    }
}
