package io.tlsrpt.cli.domains;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The pages of the processor's lists ({@code GET /v1/incidents}, {@code GET /v1/domains}): the query of a page, the
 * page after a cursor, and every page walked into one list.
 */
final class ListPages {

    /** One question to the processor: its answer, or null when it gave none (said why). */
    interface Ask {
        JsonNode ask(String pathAndQuery) throws InterruptedException;
    }

    private ListPages() {
    }

    /** {@code path} with {@code parameters} ({@code name=value}, values already encoded) as its query. */
    static String query(String path, List<String> parameters) {
        return parameters.isEmpty() ? path : path + "?" + String.join("&", parameters);
    }

    /** The page of {@code pathAndQuery} after {@code cursor} (an answer's {@code next}); the first without one. */
    static String after(String pathAndQuery, String cursor) {
        return cursor == null ? pathAndQuery
            : pathAndQuery + (pathAndQuery.contains("?") ? "&" : "?") + "after=" + encoded(cursor.trim());
    }

    /**
     * Every page of {@code pathAndQuery} from {@code cursor} on (null: from the first) as one answer: the first page's
     * fields with the items of all under {@code items}, each once by {@code identity} (an item that moved between two
     * pages is listed once), no page after it.
     *
     * @return that answer, or null when a page was not given
     */
    static JsonNode all(Ask processor, String pathAndQuery, String cursor, String items,
                        Function<JsonNode, String> identity) throws InterruptedException {
        ObjectNode whole = null;
        Set<String> listed = new HashSet<>();
        String next = cursor;
        do {
            JsonNode page = processor.ask(after(pathAndQuery, next));
            if (page == null) {
                return null;
            }
            if (whole == null) {
                whole = ((ObjectNode) page).deepCopy();
                whole.putArray(items);
            }
            for (JsonNode item : page.path(items)) {
                if (listed.add(identity.apply(item))) {
                    ((ArrayNode) whole.get(items)).add(item);
                }
            }
            next = page.path("next").asText(null);
        } while (next != null);
        whole.putNull("next");
        whole.put("remaining", 0);
        return whole;
    }

    static String encoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
