package io.tlsrpt.processor.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * Where a page of a list ended ({@code GET /v1/incidents}, {@code GET /v1/domains}): the last item's place in the
 * list's {@link Order} (for an incident its status, severity, latest anomalous window, domain, result type, reporter
 * and {@code alert_id}, {@link MostUrgent#INCIDENTS}), given to a client as the answer's {@code next} and asked back
 * as {@code after}, so that the next page lists the items that come after it. Each instance then reads only those
 * into its page: a provider pages through an outage of 100,000 domains at the
 * cost of a page per request, with no offset to skip and no list kept between requests. An incident that changes
 * between two pages (it resolves, or a later window makes it more urgent) moves in the order; a walk may then miss it
 * or show it twice, as with any cursor over data that moves.
 *
 * <p>Opaque to clients: base64url of a JSON array of the key's texts, only checked to be one on the way in.
 */
final class ListCursor {

    /** A list's order: the fields it compares, in its order, and how. */
    record Order(List<String> fields, Comparator<JsonNode> comparator) {
    }

    /** A cursor this API gives is a few hundred characters; anything far longer is not one. */
    static final int MAX_LENGTH = 2048;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Order order;
    private final List<String> key;
    /** The key as an item with only the fields the order reads, for the order to compare. */
    private final JsonNode asItem;

    private ListCursor(Order order, List<String> key) {
        this.order = order;
        this.key = List.copyOf(key);
        ObjectNode node = MAPPER.createObjectNode();
        for (int i = 0; i < key.size(); i++) {
            node.put(order.fields().get(i), key.get(i));
        }
        this.asItem = node;
    }

    /** The cursor after {@code item} in {@code order}. */
    static ListCursor after(Order order, JsonNode item) {
        List<String> key = new ArrayList<>();
        for (String field : order.fields()) {
            key.add(item.path(field).asText());
        }
        return new ListCursor(order, key);
    }

    /**
     * @param text an answer's {@code next}
     * @throws IllegalArgumentException when it is not one
     */
    static ListCursor parse(Order order, String text) {
        String notOne = "after must be the 'next' of an earlier answer";
        if (text.isEmpty() || text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(notOne);
        }
        JsonNode array;
        try {
            array = MAPPER.readTree(Base64.getUrlDecoder().decode(text));
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw new IllegalArgumentException(notOne, e);
        }
        if (!(array instanceof ArrayNode fields) || fields.size() != order.fields().size()) {
            throw new IllegalArgumentException(notOne);
        }
        List<String> key = new ArrayList<>();
        for (JsonNode field : fields) {
            if (!field.isTextual()) {
                throw new IllegalArgumentException(notOne);
            }
            key.add(field.asText());
        }
        ListCursor cursor = new ListCursor(order, key);
        try {
            // values the order cannot compare (a share that is no number) were not given by an answer
            order.comparator().compare(cursor.asItem, cursor.asItem);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(notOne, e);
        }
        return cursor;
    }

    /** As given to clients: URL-safe, no padding. */
    String encoded() {
        ArrayNode array = MAPPER.createArrayNode();
        key.forEach(array::add);
        try {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(MAPPER.writeValueAsString(array).getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an array of strings is always JSON", e);
        }
    }

    /** The key as an item with only the fields its order reads (their values as text). */
    JsonNode key() {
        return asItem;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ListCursor that && order.equals(that.order) && key.equals(that.key);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    @Override
    public String toString() {
        return encoded();
    }
}
