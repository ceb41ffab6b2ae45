package io.tlsrpt.processor.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tlsrpt.processor.topology.DomainSummaries;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** What {@code GET /v1/domains} is asked, and its order (DomainQueryIT asks two real instances). */
class DomainListQueryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode summary(String domain, Double failedShare, Double unenforcedShare) {
        ObjectNode o = JSON.createObjectNode();
        o.put("policy_domain", domain);
        o.put("failed_share", failedShare);
        o.put("without_enforced_policy_share", unenforcedShare);
        return o;
    }

    private static final List<JsonNode> WORST_FIRST = List.of(
            summary("z.example", 0.5, 0.0),
            summary("a.example", 0.1, 0.9),
            summary("b.example", 0.1, 0.9),
            summary("c.example", 0.1, 0.2),
            summary("d.example", 0.1, null),
            summary("e.example", 1.0 / 3, 0.0).deepCopy(),
            summary("f.example", null, 1.0));

    @Test
    void theLargestFailedShareFirstThenTheUnenforcedThenByNameUnknownLast() {
        List<JsonNode> expected = new ArrayList<>(WORST_FIRST);
        expected.add(0, expected.remove(0));   // 0.5
        expected.add(1, expected.remove(5));   // 1/3
        for (long seed = 1; seed <= 10; seed++) {
            List<JsonNode> shuffled = new ArrayList<>(WORST_FIRST);
            Collections.shuffle(shuffled, new Random(seed));
            assertThat(MostUrgent.of(shuffled, 100, DomainListQuery.WORST_FIRST.comparator()))
                    .containsExactlyElementsOf(expected);
        }
        // a page's cursor, given and read back as text, puts each after its own place, shares included
        for (JsonNode x : expected) {
            ListCursor cursor = ListCursor.parse(DomainListQuery.WORST_FIRST,
                    ListCursor.after(DomainListQuery.WORST_FIRST, x).encoded());
            for (JsonNode y : expected) {
                // as an instance ranks its domains before building the JSON of its page's
                DomainListQuery after = new DomainListQuery(null, null, null, DomainListQuery.Sort.WORST, null,
                        cursor, null);
                assertThat(after.followsCursor().test(DomainListQuery.Rank.of(y))).as("%s then %s", x, y)
                        .isEqualTo(expected.indexOf(x) < expected.indexOf(y));
            }
        }
        assertThat(DomainListQuery.parse(null).followsCursor().test(DomainListQuery.Rank.of(expected.get(0)))).isTrue();
    }

    @Test
    void aDomainsRankIsItsSummarysShares() {
        DomainSummaries.Summary summary = new DomainSummaries.Summary("x.example", 2, null, null, 400, 100L, null, 3,
                new TreeSet<>());
        assertThat(DomainListQuery.Rank.of(summary)).isEqualTo(new DomainListQuery.Rank(0.25, null, 400, "x.example"))
                .isEqualTo(DomainListQuery.Rank.of(((ObjectNode) summary("x.example", 0.25, null))
                        .put("total_sessions", 400)));
    }

    @Test
    void byNameOrTheMostSessionsFirstEachWithItsOwnCursor() {
        List<JsonNode> domains = new ArrayList<>();
        String[] names = {"c.example", "a.example", "d.example", "b.example"};
        long[] sessions = {500, 100, 500, 900};
        for (int i = 0; i < names.length; i++) {
            domains.add(((ObjectNode) summary(names[i], 0.1 * i, 0.0)).put("total_sessions", sessions[i]));
        }
        DomainListQuery byName = DomainListQuery.parse("order=name");
        assertThat(MostUrgent.of(domains, 10, byName.order().comparator()))
                .extracting(d -> d.get("policy_domain").asText())
                .containsExactly("a.example", "b.example", "c.example", "d.example");
        DomainListQuery bySessions = DomainListQuery.parse("order=sessions");
        List<JsonNode> mostSessions = MostUrgent.of(domains, 10, bySessions.order().comparator());
        assertThat(mostSessions).extracting(d -> d.get("policy_domain").asText())
                .containsExactly("b.example", "c.example", "d.example", "a.example");
        // a page of two by sessions, then the rest after its cursor, ranked as an instance ranks them
        String next = ListCursor.after(bySessions.order(), mostSessions.get(1)).encoded();
        DomainListQuery rest = DomainListQuery.parse("order=sessions&after=" + next);
        assertThat(mostSessions).filteredOn(d -> rest.followsCursor().test(DomainListQuery.Rank.of(d)))
                .containsExactlyElementsOf(mostSessions.subList(2, 4));
        assertThat(DomainListQuery.parse(rest.forPeer(new TreeSet<>(List.of(1))))).isEqualTo(
                new DomainListQuery(null, null, null, DomainListQuery.Sort.SESSIONS, null, rest.after(),
                        new TreeSet<>(List.of(1))));
        // a cursor is a place in one order
        assertThatThrownBy(() -> DomainListQuery.parse("order=name&after=" + next))
                .hasMessageContaining("'next' of an earlier");
        String worstCursor = ListCursor.after(DomainListQuery.WORST_FIRST, domains.get(0)).encoded();
        assertThatThrownBy(() -> DomainListQuery.parse("order=sessions&after=" + worstCursor))
                .hasMessageContaining("'next' of an earlier");
        assertThatThrownBy(() -> DomainListQuery.parse("order=sideways"))
                .hasMessageContaining("order must be worst, name or sessions");
        assertThat(DomainListQuery.parse(null).sort()).isEqualTo(DomainListQuery.Sort.WORST);
    }

    @Test
    void aTenantADomainADayALimitAndACursorAndPeersAreAskedTheSame() {
        String next = ListCursor.after(DomainListQuery.WORST_FIRST, WORST_FIRST.get(2)).encoded();
        DomainListQuery query = DomainListQuery.parse("tenant=acme&domain=Example.COM&since=2026-11-20&limit=5&after="
                + next);
        assertThat(query.tenant()).isEqualTo("acme");
        assertThat(query.since()).isEqualTo(LocalDate.parse("2026-11-20"));
        assertThat(query.from()).isEqualTo(Instant.parse("2026-11-20T00:00:00Z"));
        assertThat(query.effectiveLimit()).isEqualTo(5);
        assertThat(query.admits("mail.example.com", "acme")).isTrue();
        assertThat(query.admits("mail.example.com", "umbrella")).isFalse();
        assertThat(query.admits("example.org", "acme")).isFalse();
        DomainListQuery asked = DomainListQuery.parse(query.forPeer(new TreeSet<>(List.of(2, 0))));
        assertThat(asked).isEqualTo(new DomainListQuery("acme", "example.com", query.since(),
                DomainListQuery.Sort.WORST, 5, query.after(), new TreeSet<>(List.of(0, 2))));
        DomainListQuery none = DomainListQuery.parse(null);
        assertThat(none.from()).isEqualTo(Instant.EPOCH);
        assertThat(none.effectiveLimit()).isEqualTo(ListQueries.MAX_LIMIT);
        assertThat(none.admits("anything.example", null)).isTrue();
        assertThat(none.forTenant("blue").tenant()).isEqualTo("blue");
    }

    @Test
    void whatCannotBeAnsweredIsNamed() {
        assertThatThrownBy(() -> DomainListQuery.parse("since=2026-13-01")).hasMessageContaining("YYYY-MM-DD");
        assertThatThrownBy(() -> DomainListQuery.parse("status=open")).hasMessageContaining("unknown parameter 'status'");
        assertThatThrownBy(() -> DomainListQuery.parse("limit=0")).hasMessageContaining("from 1 to 10000");
        assertThatThrownBy(() -> DomainListQuery.parse("after=page2")).hasMessageContaining("'next' of an earlier");
        String notShares = Base64.getUrlEncoder().withoutPadding().encodeToString("[\"x\",\"y\",\"z.example\"]"
                .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> DomainListQuery.parse("after=" + notShares))
                .hasMessageContaining("'next' of an earlier");
        String incidentCursor = ListCursor.after(MostUrgent.INCIDENTS, MostUrgentTest.MOST_URGENT_FIRST.get(0))
                .encoded();
        assertThatThrownBy(() -> DomainListQuery.parse("after=" + incidentCursor)).as("an incident list's cursor")
                .hasMessageContaining("'next' of an earlier");
    }
}
