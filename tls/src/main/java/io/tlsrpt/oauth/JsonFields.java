package io.tlsrpt.oauth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The members of a JSON object: all a token answer, a key file or a JWT's parts are read for. */
final class JsonFields {
    private static final JsonFactory JSON = new JsonFactory();
    private static final int MAX_DEPTH = 4;

    private JsonFields() {
    }

    /** The top-level strings and numbers (as their text). @throws IOException when {@code body} is no JSON object */
    static Map<String, String> of(byte[] body) throws IOException {
        Map<String, String> fields = new HashMap<>();
        members(body).forEach((name, value) -> {
            if (value instanceof String text) {
                fields.put(name, text);
            }
        });
        return fields;
    }

    /**
     * The strings, numbers (as their text), arrays of strings (as lists) and objects (as maps of the same, four levels
     * deep at most) of a JSON object; other members are skipped.
     *
     * @throws IOException when {@code body} is no JSON object
     */
    static Map<String, Object> members(byte[] body) throws IOException {
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            return object(parser, MAX_DEPTH);
        }
    }

    /** The object whose START_OBJECT the parser is on. */
    private static Map<String, Object> object(JsonParser parser, int depth) throws IOException {
        Map<String, Object> members = new HashMap<>();
        for (JsonToken t = parser.nextToken(); t == JsonToken.FIELD_NAME; t = parser.nextToken()) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (value == JsonToken.VALUE_STRING || value.isNumeric()) {
                members.put(name, parser.getText());
            } else if (value == JsonToken.START_ARRAY) {
                List<String> items = new ArrayList<>();
                for (JsonToken item = parser.nextToken(); item != JsonToken.END_ARRAY; item = parser.nextToken()) {
                    if (item == JsonToken.VALUE_STRING) {
                        items.add(parser.getText());
                    } else {
                        parser.skipChildren();
                    }
                }
                members.put(name, List.copyOf(items));
            } else if (value == JsonToken.START_OBJECT && depth > 1) {
                members.put(name, object(parser, depth - 1));
            } else {
                parser.skipChildren();
            }
        }
        return members;
    }
}
