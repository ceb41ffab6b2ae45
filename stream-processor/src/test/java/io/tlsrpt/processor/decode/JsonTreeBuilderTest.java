package io.tlsrpt.processor.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The decoder's own tree reading and key formatting give what Jackson's and java.time's would. */
class JsonTreeBuilderTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = new JsonFactory();

    @ParameterizedTest
    @ValueSource(strings = {
        "{}", "[]", "\"\"", "null", "true", "false", "0", "-1", "2147483648", "-9223372036854775809",
        "99999999999999999999999", "1.5", "-0.0", "1e400", "1E-400", "0.1000000000000000055511151231257827",
        "{\"a\":{},\"b\":[],\"c\":[{}, [], [[]], {\"d\":null}],\"e\":\"\\u00e9\\n\",\"f\":[1,2.5,\"x\",true]}",
        "[{\"policy\":{\"policy-string\":[\"version: STSv1\"]},\"summary\":{\"total-failure-session-count\":3}}]"})
    void sameTreeAsReadTree(String json) throws IOException {
        JsonNode expected = MAPPER.readTree(json);
        JsonNode actual = read(json, 100);
        assertThat(actual).isEqualTo(expected);
        assertThat(actual.getNodeType()).isEqualTo(expected.getNodeType());
        assertThat(actual.toString()).isEqualTo(expected.toString());
        assertThat(actual.isIntegralNumber()).isEqualTo(expected.isIntegralNumber());
        assertThat(actual.canConvertToLong()).isEqualTo(expected.canConvertToLong());
    }

    @Test
    void arrayCapAppliesWhileReading() throws IOException {
        assertThat(read("[1,2,3]", 3).size()).isEqualTo(3);
        assertThatThrownBy(() -> read("[1,2,3,4", 3))  // never closed: the cap, not the end of input, stops it
            .isInstanceOfSatisfying(DecodeFailure.class, f -> {
                assertThat(f.reason()).isEqualTo(RejectReason.JSON_LIMIT);
                assertThat(f.getMessage()).contains("the top-level array", "more than 3", DecoderLimits.MAX_JSON_ARRAY_LENGTH);
            });
        assertThatThrownBy(() -> read("{\"a\":[{\"b\":[[],[],[],[]]}]}", 3))
            .isInstanceOfSatisfying(DecodeFailure.class, f -> assertThat(f.getMessage()).contains("/a/0/b"));
    }

    @Test
    void isoInstantIsIsoInstantFormatting() {
        SplittableRandom random = new SplittableRandom(8460);
        long min = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
        long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(min, max + 1),
                i % 3 == 0 ? 0 : random.nextInt(1000) * 1_000_000);
            assertThat(Timestamps.isoInstant(instant)).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(instant));
        }
        for (String edge : new String[] {"0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "+10000-01-01T00:00:00Z",
            "-0001-12-31T23:59:59Z", "1970-01-01T00:00:00.000000001Z", "2024-02-29T12:00:00.120Z",
            "1969-12-31T23:59:59.999Z"}) {
            Instant instant = Instant.parse(edge);
            assertThat(Timestamps.isoInstant(instant)).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(instant));
        }
    }

    private static JsonNode read(String json, int maxArrayLength) throws IOException {
        try (JsonParser parser = FACTORY.createParser(json)) {
            parser.nextToken();
            return new JsonTreeBuilder(maxArrayLength).read(parser);
        }
    }
}
