package io.tlsrpt.cli.domains;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;

import io.tlsrpt.schema.DomainStats;
import org.junit.jupiter.api.Test;

class DomainTableTest {

    private static final Instant DAY1 = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant DAY2 = Instant.parse("2026-11-02T00:00:00Z");

    private static DomainStats stats(String domain, Instant day, long total, Long failed, Long unenforced,
                                     String... reporters) {
        return DomainStats.newBuilder().setPolicyDomain(domain).setWindowStart(day).setWindowEnd(day.plusSeconds(86_400))
            .setTotalSessions(total).setFailedSessions(failed).setSessionsWithoutEnforcedPolicy(unenforced)
            .setReports(reporters.length).setReporters(List.of(reporters)).build();
    }

    @Test
    void aWindowsLaterRecordSupersedesItsEarlierOnesAndTheWindowsAddUp() {
        DomainTable table = new DomainTable();
        table.add(stats("a.example", DAY1, 100, 10L, 0L, "Google Inc."));
        table.add(stats("a.example", DAY1, 300, 12L, 0L, "Google Inc.", "Microsoft Corporation"));
        table.add(stats("a.example", DAY2, 100, 0L, 50L, "Google Inc."));

        assertThat(table.rows()).singleElement().satisfies(row -> {
            assertThat(row.days()).isEqualTo(2);
            assertThat(row.sessions()).isEqualTo(400);
            assertThat(row.failed()).isEqualTo(12);
            assertThat(row.withoutEnforcedPolicy()).isEqualTo(50);
            assertThat(row.failedShare()).isEqualTo(0.03);
            assertThat(row.reporters()).containsExactly("Google Inc.", "Microsoft Corporation");
        });
    }

    /** What the kept records repeat is held once: a provider's week of 100,000 domains fits in 162 MB, not 465. */
    @Test
    void theKeptRecordsShareTheirRepeatedNamesAndDays() {
        DomainTable table = new DomainTable();
        table.add(stats("a.example", DAY1, 100, 0L, 0L, new String("Google Inc."), new String("Microsoft Corporation")));
        table.add(stats("b.example", Instant.parse(DAY1.toString()), 100, 0L, 0L, new String("Google Inc."),
            new String("Microsoft Corporation")));

        DomainStats a = table.windows("a.example").get(0);
        DomainStats b = table.windows("b.example").get(0);
        assertThat(b.getReporters()).isSameAs(a.getReporters()).containsExactly("Google Inc.", "Microsoft Corporation");
        assertThat(b.getWindowStart()).isSameAs(a.getWindowStart());
        assertThat(table.rows()).extracting(DomainTable.Row::sessions).containsExactly(100L, 100L);
    }

    @Test
    void worstFirstAndUncountedWindowsShowNoShare() {
        DomainTable table = new DomainTable();
        table.add(stats("healthy.example", DAY1, 1000, 0L, 0L, "Google Inc."));
        table.add(stats("unprotected.example", DAY1, 1000, 0L, 1000L, "Google Inc."));
        table.add(stats("failing.example", DAY1, 1000, 250L, 0L, "Google Inc."));
        table.add(stats("upgraded.example", DAY1, 1000, null, null, "Google Inc."));
        table.add(stats("upgraded.example", DAY2, 1000, 5L, 0L, "Google Inc."));

        assertThat(table.rows()).extracting(DomainTable.Row::domain)
            .containsExactly("failing.example", "unprotected.example", "healthy.example", "upgraded.example");
        assertThat(table.rows(DomainTable.BY_NAME)).extracting(DomainTable.Row::domain)
            .containsExactly("failing.example", "healthy.example", "unprotected.example", "upgraded.example");
        assertThat(table.rows(DomainTable.MOST_SESSIONS_FIRST)).extracting(DomainTable.Row::domain)
            .containsExactly("upgraded.example", "failing.example", "healthy.example", "unprotected.example");

        StringWriter out = new StringWriter();
        table.print(new PrintWriter(out));
        assertThat(out.toString().lines()).containsExactly(
            "policy domain        days     sessions   failed no enforced policy  reporters",
            "failing.example         1        1,000   25.00%              0.00%  Google Inc.",
            "unprotected.example     1        1,000    0.00%            100.00%  Google Inc.",
            "healthy.example         1        1,000    0.00%              0.00%  Google Inc.",
            "upgraded.example        2        2,000        -                  -  Google Inc.");

        StringWriter json = new StringWriter();
        table.printJson(new PrintWriter(json));
        assertThat(json.toString().lines()).hasSize(4).first().isEqualTo("{\"policy_domain\":\"failing.example\","
            + "\"days\":1,\"sessions\":1000,\"failed_sessions\":250,\"failed_share\":0.25,"
            + "\"sessions_without_enforced_policy\":0,\"without_enforced_policy_share\":0.0,"
            + "\"reporters\":[\"Google Inc.\"],\"tenant\":null}");
        assertThat(json.toString().lines().toList().get(3)).contains("\"failed_sessions\":null,\"failed_share\":null");
    }

    @Test
    void aTenantColumnWhenADomainHasOneNamedAsItsNewestRecordNamesIt() {
        DomainTable table = new DomainTable();
        DomainStats moved = stats("moved.example", DAY2, 1000, 0L, 0L, "Google Inc.");
        moved.setTenant("new-owner");
        moved.setUpdatedAt(DAY2.plusSeconds(7_200));
        DomainStats before = stats("moved.example", DAY1, 1000, 0L, 0L, "Google Inc.");
        before.setTenant("old-owner");
        before.setUpdatedAt(DAY2.plusSeconds(3_600));   // the earlier day, written before the move
        table.add(moved);
        table.add(before);
        table.add(stats("plain.example", DAY1, 1000, 10L, 0L, "Google Inc."));

        StringWriter out = new StringWriter();
        table.print(new PrintWriter(out));
        assertThat(out.toString().lines()).containsExactly(
            "policy domain tenant     days     sessions   failed no enforced policy  reporters",
            "plain.example -             1        1,000    1.00%              0.00%  Google Inc.",
            "moved.example new-owner     2        2,000    0.00%              0.00%  Google Inc.");
        StringWriter json = new StringWriter();
        table.printJson(new PrintWriter(json));
        assertThat(json.toString().lines().toList().get(1)).endsWith(",\"tenant\":\"new-owner\"}");
    }
}
