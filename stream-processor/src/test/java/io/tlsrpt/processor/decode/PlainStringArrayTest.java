package io.tlsrpt.processor.decode;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The parser-free reading of double-encoded policy strings reads only what the parser reads, and as it does. */
class PlainStringArrayTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ReportNormaliser PARSER_PATH = new ReportNormaliser(new JsonFactory(), new JsonTreeBuilder(100));

    /** What the normaliser's parser path makes of the text: its first value's strings, or null. */
    private static List<String> parsed(String s) {
        return PARSER_PATH.parsedStringArray(s);
    }

    @Test
    void microsoftsTlsaRecordsAreReadWithoutAParser() {
        String tlsa = "[\"3 1 1 BABD0B4AC2B01B5F81B0575FF0B87C444F01E84AC26FABD80B9BE71D66DFB483\","
            + "\"3 1 1 D8A3F3EB3F2BB5EBF2765A6C9AD2A34CAEAFFD958BA285C223C54DB65820BCC0\"]";
        assertThat(ReportNormaliser.plainStringArray(tlsa, 100)).isEqualTo(parsed(tlsa)).hasSize(2);
        assertThat(ReportNormaliser.plainStringArray("[ ]", 100)).isEmpty();
        assertThat(ReportNormaliser.plainStringArray("[ \"a\" ,\r\n\t\"b\" ]", 100)).containsExactly("a", "b");
    }

    @Test
    void anythingElseIsLeftToTheParser() {
        for (String other : new String[] {"[\"a\\\"b\"]", "[\"caf\u00e9\"]", "[1]", "[\"a\",]", "[\"a\"]]", "[\"a\" \"b\"]",
            "[\"a]", "[\"\u0001\"]", "[\"a\",\"b\"]x]", "[null]", "[[\"a\"]]"}) {
            assertThat(ReportNormaliser.plainStringArray(other, 100)).as(other).isNull();
        }
        assertThat(ReportNormaliser.plainStringArray("[\"a\",\"b\",\"c\"]", 2)).isNull();  // the array cap decides
    }

    @Property(seed = "8460", tries = 1000)
    void whatItReadsTheParserReadsTheSame(@ForAll("arrays") String s) {
        List<String> plain = ReportNormaliser.plainStringArray(s, 100);
        if (plain != null) {
            assertThat(plain).as(s).isEqualTo(parsed(s));
        }
    }

    @Provide
    Arbitrary<String> arrays() {
        Arbitrary<String> element = Arbitraries.strings().withChars("ab 1\"\\,[]\t\u00e9").ofMaxLength(6)
            .map(text -> {
                try {
                    return MAPPER.writeValueAsString(text);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
        Arbitrary<String> array = element.list().ofMaxSize(4).map(list -> "[" + String.join(", ", list) + "]");
        // and damaged ones: a character removed or doubled
        return Combinators.combine(array, Arbitraries.longs(), Arbitraries.integers().between(0, 2))
            .as((text, salt, how) -> {
                if (how == 0 || text.length() < 3) {
                    return text;
                }
                int at = 1 + new Random(salt).nextInt(text.length() - 2);
                return how == 1 ? text.substring(0, at) + text.substring(at + 1)
                    : text.substring(0, at) + text.charAt(at) + text.substring(at);
            }).filter(text -> text.startsWith("[") && text.endsWith("]"));
    }
}
