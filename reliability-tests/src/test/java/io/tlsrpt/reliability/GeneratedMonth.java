package io.tlsrpt.reliability;

import static org.awaitility.Awaitility.await;

import io.tlsrpt.embedded.RawInputProducer;
import io.tlsrpt.generate.GeneratedInput;
import io.tlsrpt.generate.GeneratorSettings;
import io.tlsrpt.generate.ReportGenerator;
import io.tlsrpt.generate.Scenario;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The fault tests' input: the project's generator, a month (30 days) of reports for 223 policy domains, three
 * reporters each (20,070 reports), with a STARTTLS downgrade on {@code victim.example} from day 20 and an expired
 * certificate on {@code expired.example} from day 12, so that alerts fire, update and resolve.
 */
final class GeneratedMonth {

    static final int DAYS = 30;
    static final int DOMAINS = 223;
    static final String DOWNGRADE_DOMAIN = "victim.example";

    private GeneratedMonth() {
    }

    static ReportGenerator generator() {
        List<Scenario> scenarios = List.of(
                Scenario.parse(Scenario.Kind.DOWNGRADE, DOWNGRADE_DOMAIN + "@20", GeneratorSettings.DEFAULT_START_DATE),
                Scenario.parse(Scenario.Kind.CERTIFICATE_EXPIRY, "expired.example@12",
                        GeneratorSettings.DEFAULT_START_DATE));
        return new ReportGenerator(GeneratorSettings.defaults().withDays(DAYS).withDomains(DOMAINS)
                .withScenarios(scenarios));
    }

    static long reportCount() {
        return generator().inputCount();
    }

    /** Creates {@code topic} with {@code partitions} partitions and writes every generated report to it. */
    static long produce(String bootstrap, String topic, int partitions) throws Exception {
        createTopic(bootstrap, topic, partitions);
        AtomicLong sent = new AtomicLong();
        try (RawInputProducer producer = producer(bootstrap, topic)) {
            generator().inputs().forEach(input -> {
                send(producer, input);
                sent.incrementAndGet();
            });
            producer.flush();
        }
        return sent.get();
    }

    /** The month's reports grouped by day (index 0 is day 1), as they arrive in real life: day after day. */
    static List<List<GeneratedInput>> byDay() {
        List<List<GeneratedInput>> days = new ArrayList<>();
        for (int d = 0; d < DAYS; d++) {
            days.add(new ArrayList<>());
        }
        generator().inputs().forEach(input -> days.get(input.expected().dayNumber() - 1).add(input));
        return days;
    }

    static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(topic).partitions().stream().allMatch(p -> p.leader() != null));
        }
    }

    static RawInputProducer producer(String bootstrap, String topic) {
        return new RawInputProducer(Map.of("bootstrap.servers", bootstrap,
                // one request in flight: on a partition created a moment ago the first request may be refused
                // (NOT_LEADER_OR_FOLLOWER) while later ones succeed; with five in flight the idempotent producer
                // then retries sequence 0 after 36 forever (OUT_OF_ORDER_SEQUENCE_NUMBER) until the batch expires
                "max.in.flight.requests.per.connection", "1"), topic, "cli");
    }

    static void send(RawInputProducer producer, GeneratedInput input) {
        producer.send(input.bytes(), input.contentType(), "generated/" + input.fileName(), input.fileName(),
                receivedAt(input));
    }

    /** Deterministic arrival time: the morning after the report's day (as real reporters send them). */
    static Instant receivedAt(GeneratedInput input) {
        return input.expected().day().plusDays(1).atTime(6, 0).toInstant(ZoneOffset.UTC);
    }
}
