package io.tlsrpt.processor.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Where a page of {@code GET /v1/incidents} ended: the last incident's place in {@link MostUrgent#ORDER} (its status,
 * severity, latest anomalous window, domain, result type, reporter and {@code alert_id}), given to a client as the
 * answer's {@code next} and asked back as {@code after}, so that the next page lists the incidents that come after it.
 * Each instance then reads only those into its page: a provider pages through an outage of 100,000 domains at the
 * cost of a page per request, with no offset to skip and no list kept between requests. An incident that changes
 * between two pages (it resolves, or a later window makes it more urgent) moves in the order; a walk may then miss it
 * or show it twice, as with any cursor over data that moves.
 *
 * <p>Opaque to clients: base64url of a JSON array of the key's texts, only checked to be one on the way in.
 */
final class IncidentCursor {

    /** A cursor this API gives is a few hundred characters; anything far longer is not one. */
    static final int MAX_LENGTH = 2048;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final List<String> key;
    /** The key as an incident with only the fields the order reads, for the order to compare. */
    private final JsonNode asIncident;

    private IncidentCursor(List<String> key) {
        this.key = List.copyOf(key);
        ObjectNode node = MAPPER.createObjectNode();
        for (int i = 0; i < key.size(); i++) {
            node.put(MostUrgent.ORDER_FIELDS.get(i), key.get(i));
        }
        this.asIncident = node;
    }

    /** The cursor after {@code incident}, as the incidents are ordered ({@link MostUrgent#ORDER}). */
    static IncidentCursor after(JsonNode incident) {
        List<String> key = new ArrayList<>();
        for (String field : MostUrgent.ORDER_FIELDS) {
            key.add(incident.path(field).asText());
        }
        return new IncidentCursor(key);
    }

    /**
     * @param text an answer's {@code next}
     * @throws IllegalArgumentException when it is not one
     */
    static IncidentCursor parse(String text) {
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
        if (!(array instanceof ArrayNode fields) || fields.size() != MostUrgent.ORDER_FIELDS.size()) {
            throw new IllegalArgumentException(notOne);
        }
        List<String> key = new ArrayList<>();
        for (JsonNode field : fields) {
            if (!field.isTextual()) {
                throw new IllegalArgumentException(notOne);
            }
            key.add(field.asText());
        }
        return new IncidentCursor(key);
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

    /** Whether {@code incident} comes after this cursor, and so belongs to the pages after it. */
    boolean precedes(JsonNode incident) {
        return MostUrgent.ORDER.compare(asIncident, incident) < 0;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IncidentCursor that && key.equals(that.key);
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
