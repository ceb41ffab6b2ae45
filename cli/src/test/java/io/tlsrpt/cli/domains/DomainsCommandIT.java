package io.tlsrpt.cli.domains;

import static io.tlsrpt.cli.CommandRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.cli.CommandRunner.Run;
import io.tlsrpt.cli.TestProcessors;
import io.tlsrpt.cli.embedded.EmbeddedKafka;
import io.tlsrpt.cli.generate.GeneratorSettings;
import io.tlsrpt.cli.generate.ReportGenerator;
import io.tlsrpt.cli.generate.Scenario;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tlsrpt domains} on a real broker, over the domain statistics the real stream processor wrote for ten
 * generated days of five domains: one with an expired certificate for three days, one whose MTA-STS policy was
 * withdrawn for two.
 */
class DomainsCommandIT {

    private static final String APPLICATION_ID = "tlsrpt-domains-it";
    private static final String REGISTRY = "mock://" + APPLICATION_ID;
    private static final LocalDate START = GeneratorSettings.DEFAULT_START_DATE;

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;

    @BeforeAll
    static void startAndProcess() {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        ReportGenerator generator = new ReportGenerator(GeneratorSettings.defaults().withDays(10)
            .withScenarios(List.of(Scenario.parse(Scenario.Kind.CERTIFICATE_EXPIRY, "expired.example@3", START),
                Scenario.parse(Scenario.Kind.STS_WITHDRAWN, "withdrawn.example@8+2", START))));
        // one partition: a backlog of old-dated reports read from two drifts apart, and the partition ahead can close
        // the other's windows before all their reports are in (late reports, counted in no window); closing the
        // processor commits the last statistics
        TestProcessors.process(kafka, APPLICATION_ID, dir.resolve("state"), 1, generator, processor -> { });
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void everyDomainWorstFirst() {
        Run all = domains();
        assertThat(all.exit()).as(all.err()).isZero();
        List<String[]> rows = rows(all);
        assertThat(rows).hasSize(5).allSatisfy(row -> assertThat(row[1]).isEqualTo("10"));
        // three days of ten with nearly every session failing
        assertThat(rows.get(0)[0]).isEqualTo("expired.example");
        assertThat(percent(rows.get(0)[3])).isBetween(15.0, 40.0);
        String[] withdrawn = row(rows, "withdrawn.example");
        assertThat(percent(withdrawn[4])).isBetween(10.0, 30.0);
        assertThat(percent(row(rows, "expired.example")[4])).isZero();
        assertThat(all.err()).containsPattern("tlsrpt domains: \\d+ records read from tlsrpt.domain-stats, \\d+ kept, "
            + "5 domains shown");
    }

    @Test
    void aDomainFromADay() {
        Run withdrawal = domains("--domain", "WITHDRAWN.example.", "--since", START.plusDays(7).toString());
        assertThat(withdrawal.exit()).as(withdrawal.err()).isZero();
        assertThat(rows(withdrawal)).singleElement().satisfies(row -> {
            assertThat(row[0]).isEqualTo("withdrawn.example");
            assertThat(row[1]).as("days 8 to 10").isEqualTo("3");
            assertThat(percent(row[4])).as("two of the three days").isBetween(50.0, 80.0);
        });
        assertThat(rows(domains("--domain", "nowhere.example"))).isEmpty();

        Run json = domains("--domain", "withdrawn.example", "--format", "json");
        assertThat(json.exit()).as(json.err()).isZero();
        assertThat(json.jsonLines()).singleElement().satisfies(row -> {
            assertThat(row.get("policy_domain").asText()).isEqualTo("withdrawn.example");
            assertThat(row.get("days").asInt()).isEqualTo(10);
            assertThat(row.get("without_enforced_policy_share").asDouble()).isBetween(0.10, 0.30);
            assertThat(row.get("sessions_without_enforced_policy").asLong()).isPositive()
                .isLessThan(row.get("sessions").asLong());
        });
        assertThat(domains("--format", "xml").exit()).isEqualTo(2);
    }

    @Test
    void aRegistryThatCannotBeReachedIsAnErrorNotAnEmptyTable() {
        Run unreachable = run("domains", "--bootstrap", kafka.bootstrapServers(), "--registry", "http://127.0.0.1:1");
        assertThat(unreachable.exit()).isEqualTo(1);
        assertThat(unreachable.err()).contains("tlsrpt domains: cannot read tlsrpt.domain-stats with the schemas of "
            + "http://127.0.0.1:1");
        assertThat(unreachable.out()).isEmpty();
    }

    private static Run domains(String... args) {
        List<String> all = new ArrayList<>(List.of("domains", "--bootstrap", kafka.bootstrapServers(),
            "--registry", REGISTRY));
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }

    /** The table's rows (domain, days, sessions, failed, no enforced policy, reporters) after its header. */
    private static List<String[]> rows(Run run) {
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0)).startsWith("policy domain ");
        return lines.subList(1, lines.size()).stream().map(l -> l.trim().split(" +", 6)).toList();
    }

    private static String[] row(List<String[]> rows, String domain) {
        return rows.stream().filter(r -> r[0].equals(domain)).findFirst()
            .orElseThrow(() -> new AssertionError("no row for " + domain));
    }

    private static double percent(String cell) {
        assertThat(cell).endsWith("%");
        return Double.parseDouble(cell.substring(0, cell.length() - 1));
    }
}
