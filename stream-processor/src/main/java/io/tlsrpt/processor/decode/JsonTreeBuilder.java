package io.tlsrpt.processor.decode;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a Jackson tree from a parser, like {@code ObjectMapper.readTree} (the same node types for the same
 * tokens), but with the decoder's rules applied while the tree grows rather than once it is built:
 * <ul>
 *   <li>an array is cut off at its {@code maxJsonArrayLength + 1}st element ({@code json-limit}), so a 15 MB
 *       array of {@code {}} costs what 100,000 elements cost, not what 5,000,000 do;</li>
 *   <li>a member name that appears twice in one object is a {@code duplicate-key} rejection (which of two
 *       {@code total-failure-session-count}s would be meant?), at any depth;</li>
 *   <li>{@code {}} and {@code []} are one shared immutable node each: nothing mutates a tree once built, and
 *       empty containers are what hostile inputs are made of.</li>
 * </ul>
 * It also skips the data-binding machinery {@code readTree} sets up per call (a deserialization context),
 * which costs as much as the tree of a small report. Stateless and thread-safe.
 */
final class JsonTreeBuilder {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectNode EMPTY_OBJECT = new ObjectNode(NODES, Collections.emptyMap());
    private static final ArrayNode EMPTY_ARRAY = new ArrayNode(NODES, Collections.emptyList());

    private final int maxArrayLength;

    JsonTreeBuilder(int maxArrayLength) {
        this.maxArrayLength = maxArrayLength;
    }

    /** The most elements an array may have. */
    int maxArrayLength() {
        return maxArrayLength;
    }

    /** The value that starts at the parser's current token; the parser is left on its last token. */
    JsonNode read(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == null) {
            throw new JsonEOFException(parser, null, "the JSON ends where a value was expected");
        }
        switch (token) {
            case START_OBJECT:
                return object(parser);
            case START_ARRAY:
                return array(parser);
            case VALUE_STRING:
                return NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT:
                return integer(parser);
            case VALUE_NUMBER_FLOAT:
                return fraction(parser);
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                // END_OBJECT, END_ARRAY, FIELD_NAME or an embedded object: the parser does not yield these here
                throw new DecodeFailure(RejectReason.NOT_JSON, "unexpected JSON token " + token + " where a value starts");
        }
    }

    private JsonNode object(JsonParser parser) throws IOException {
        String name = parser.nextFieldName();
        if (name == null) {
            expectEnd(parser, JsonToken.END_OBJECT);
            return EMPTY_OBJECT;
        }
        Map<String, JsonNode> members = new LinkedHashMap<>();
        do {
            parser.nextToken();
            if (members.put(name, read(parser)) != null) {
                throw new DecodeFailure(RejectReason.DUPLICATE_KEY, "the key '" + Texts.abbreviate(name, 80)
                    + "' appears twice in one object, at " + pointer(parser.getParsingContext()));
            }
            name = parser.nextFieldName();
        } while (name != null);
        expectEnd(parser, JsonToken.END_OBJECT);
        return new ObjectNode(NODES, members);
    }

    private JsonNode array(JsonParser parser) throws IOException {
        JsonToken token = parser.nextToken();
        if (token == JsonToken.END_ARRAY) {
            return EMPTY_ARRAY;
        }
        List<JsonNode> elements = new ArrayList<>();
        do {
            if (elements.size() == maxArrayLength) {
                throw tooLong(parser);
            }
            elements.add(read(parser));
            token = parser.nextToken();
        } while (token != JsonToken.END_ARRAY && token != null);
        expectEnd(parser, JsonToken.END_ARRAY);
        return new ArrayNode(NODES, elements);
    }

    /** The same node types as {@code readTree}: int, long, then BigInteger as the value needs. */
    private static JsonNode integer(JsonParser parser) throws IOException {
        return switch (parser.getNumberType()) {
            case INT -> NODES.numberNode(parser.getIntValue());
            case LONG -> NODES.numberNode(parser.getLongValue());
            default -> NODES.numberNode(parser.getBigIntegerValue());
        };
    }

    /** The same node types as {@code readTree} with default features: double unless the parser knows better. */
    private static JsonNode fraction(JsonParser parser) throws IOException {
        return switch (parser.getNumberTypeFP()) {
            case BIG_DECIMAL -> NODES.numberNode(parser.getDecimalValue());
            case FLOAT32 -> NODES.numberNode(parser.getFloatValue());
            default -> NODES.numberNode(parser.getDoubleValue());
        };
    }

    private static void expectEnd(JsonParser parser, JsonToken end) throws IOException {
        if (parser.currentToken() != end) {
            // nextFieldName/nextToken return null only at the end of input: the container was never closed
            throw new JsonEOFException(parser, null, "the JSON ends inside an " + (end == JsonToken.END_OBJECT
                ? "object" : "array"));
        }
    }

    private DecodeFailure tooLong(JsonParser parser) {
        JsonStreamContext array = parser.getParsingContext();
        if (parser.currentToken().isStructStart()) {
            array = array.getParent();  // the parser already entered the element's own object or array
        }
        JsonStreamContext holder = array.getParent();
        String where = holder == null || holder.inRoot() ? "the top-level array" : "the array at " + pointer(holder);
        return new DecodeFailure(RejectReason.JSON_LIMIT, where + " has more than " + maxArrayLength
            + " elements (" + DecoderLimits.MAX_JSON_ARRAY_LENGTH + ")");
    }

    /** A JSON Pointer (RFC 6901) to where the context is, e.g. {@code /policies/0/failure-details}. */
    private static String pointer(JsonStreamContext context) {
        String path = context.pathAsPointer().toString();
        return path.isEmpty() ? "the top level" : Texts.abbreviate(path, 200);
    }
}
