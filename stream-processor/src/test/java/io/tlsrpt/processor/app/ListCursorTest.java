package io.tlsrpt.processor.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The cursor of {@code GET /v1/incidents}' pages (DomainQueryIT walks the pages of two real instances). */
class ListCursorTest {

    /** Incidents of both kinds, with ties on every field but the last few, in no order. */
    private static List<JsonNode> incidents(int n, long seed) {
        Random random = new Random(seed);
        String[] statuses = {"firing", "resolved"};
        String[] severities = {"critical", "warning"};
        String[] types = {"certificate-expired", "starttls-not-supported", "validation-failure"};
        List<JsonNode> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean stopped = random.nextInt(5) == 0;
            ObjectNode o = (ObjectNode) MostUrgentTest.incident("d" + random.nextInt(n / 4 + 1) + ".example",
                    stopped ? "firing" : statuses[random.nextInt(2)], severities[random.nextInt(2)],
                    stopped ? null : "2026-12-0" + (1 + random.nextInt(3)) + "T00:00:00Z",
                    stopped ? null : types[random.nextInt(types.length)],
                    stopped ? "Reporter " + random.nextInt(3) : null);
            o.put("alert_id", Long.toHexString(random.nextLong()));
            all.add(o);
        }
        return all;
    }

    @Test
    void aCursorIsGivenAndReadBackAsItWas() {
        for (JsonNode incident : incidents(200, 1)) {
            ListCursor cursor = ListCursor.after(MostUrgent.INCIDENTS, incident);
            assertThat(cursor.encoded()).matches("[A-Za-z0-9_-]+").hasSizeLessThan(ListCursor.MAX_LENGTH);
            assertThat(ListCursor.parse(MostUrgent.INCIDENTS, cursor.encoded())).isEqualTo(cursor);
        }
    }

    @Test
    void whatComesAfterACursorIsWhatTheOrderPutsAfterItsIncident() {
        List<JsonNode> all = incidents(300, 2);
        for (JsonNode x : all) {
            ListCursor cursor = ListCursor.parse(MostUrgent.INCIDENTS, ListCursor.after(MostUrgent.INCIDENTS, x).encoded());
            assertThat(follows(cursor, x)).as("not after itself").isFalse();
            for (JsonNode y : all) {
                assertThat(follows(cursor, y)).as("%s then %s", x, y).isEqualTo(MostUrgent.ORDER.compare(x, y) < 0);
            }
        }
    }

    /**
     * As the endpoint pages: three instances each keep the most urgent of their own after the cursor, and count those
     * after it; the instance asked keeps the most urgent of theirs, and the last of its page is the next cursor.
     */
    @Test
    void pagesWalkedOverSeveralInstancesListEveryIncidentOnceInOrder() {
        List<JsonNode> all = incidents(1_000, 3);
        List<List<JsonNode>> instances = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        Random random = new Random(4);
        all.forEach(i -> instances.get(random.nextInt(3)).add(i));
        for (int limit : new int[] {1, 7, 100, 999, 1_000, 10_000}) {
            List<JsonNode> walked = new ArrayList<>();
            ListCursor after = null;
            int pages = 0;
            while (true) {
                ListCursor cursor = after;
                List<JsonNode> kept = new ArrayList<>();
                long following = 0;
                for (List<JsonNode> own : instances) {
                    MostUrgent<JsonNode> most = new MostUrgent<>(limit, MostUrgent.ORDER,
                            i -> cursor == null || follows(cursor, i));
                    own.forEach(most::offer);
                    assertThat(most.offered()).isEqualTo(own.size());
                    kept.addAll(most.sorted());
                    following += most.following();
                }
                List<JsonNode> page = MostUrgent.of(kept, limit);
                walked.addAll(page);
                pages++;
                long remaining = following - page.size();
                assertThat(remaining).isEqualTo(all.size() - walked.size());
                if (remaining == 0) {
                    break;
                }
                after = ListCursor.parse(MostUrgent.INCIDENTS, ListCursor.after(MostUrgent.INCIDENTS, page.get(page.size() - 1)).encoded());
            }
            assertThat(pages).as("limit %d", limit).isEqualTo((all.size() + limit - 1) / limit);
            assertThat(walked).as("limit %d", limit).containsExactlyElementsOf(MostUrgent.of(all, 10_000));
        }
    }

    @Test
    void anythingElseIsNotACursor() {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        for (String text : List.of("", "page2", "%%%", base64.encodeToString("{}".getBytes(StandardCharsets.UTF_8)),
                base64.encodeToString("[\"firing\"]".getBytes(StandardCharsets.UTF_8)),
                base64.encodeToString("[1,2,3,4,5,6,7]".getBytes(StandardCharsets.UTF_8)),
                base64.encodeToString("not json".getBytes(StandardCharsets.UTF_8)),
                "A".repeat(ListCursor.MAX_LENGTH + 1))) {
            assertThatThrownBy(() -> ListCursor.parse(MostUrgent.INCIDENTS, text)).as(text)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("after must be the 'next' of an earlier answer");
        }
    }

    /** Whether {@code incident} comes after {@code cursor}, as an instance asked for the page after it judges. */
    private static boolean follows(ListCursor cursor, JsonNode incident) {
        return new IncidentQuery(IncidentQuery.Status.ALL, null, null, null, null, null, cursor, null).followsCursor()
                .test(IncidentRank.of(incident));
    }
}
