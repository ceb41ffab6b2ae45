package io.tlsrpt.cli.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TlsRptRecordParserTest {

    /** The table in src/test/resources/check/records.tsv: status, expected finding code, record text. */
    static Stream<Arguments> table() throws IOException {
        List<Arguments> rows = new ArrayList<>();
        try (InputStream in = TlsRptRecordParserTest.class.getResourceAsStream("/check/records.tsv")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int lineNo = 0;
            for (String line : text.split("\n", -1)) {
                lineNo++;
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] cols = line.split("\t", 3);
                rows.add(Arguments.of(lineNo, cols[0], cols[1], unescape(cols.length > 2 ? cols[2] : "")));
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "line {0}: {1} {2} <{3}>")
    @MethodSource("table")
    void recordTable(int line, String status, String code, String record) {
        TlsRptRecordCheck check = TlsRptRecordParser.parse(record);

        assertThat(check.valid()).as("valid? errors=%s", check.errors()).isEqualTo(status.equals("valid"));
        if (status.equals("valid")) {
            assertThat(check.errors()).isEmpty();
            assertThat(check.rua()).isNotEmpty();
            if (code.equals("-")) {
                assertThat(check.warnings()).isEmpty();
            } else {
                assertThat(check.warnings()).extracting(Finding::code).contains(code.substring(2));
            }
        } else {
            assertThat(check.rua()).isEmpty();
            assertThat(check.errors()).extracting(Finding::code).contains(code);
        }
        // every finding explains itself: what is wrong and what to write instead
        Stream.concat(check.errors().stream(), check.warnings().stream())
            .forEach(f -> assertThat(f.message()).hasSizeGreaterThan(25));
    }

    @Test
    void tableCoversAtLeastFortyRecords() throws IOException {
        assertThat(table().count()).isGreaterThanOrEqualTo(40);
    }

    @Test
    void repeatedTagInsideTheListIsExplainedWithTheCorrectedRecord() {
        TlsRptRecordCheck check = TlsRptRecordParser.parse("v=TLSRPTv1; rua=mailto:a@example.com,rua=mailto:b@example.com");

        assertThat(check.valid()).isFalse();
        assertThat(check.errors()).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo("rua-repeated-tag");
            assertThat(f.message())
                .contains("Some guides publish this form")
                .endsWith("Write: v=TLSRPTv1; rua=mailto:a@example.com,mailto:b@example.com");
        });
    }

    @Test
    void repeatedRuaFieldsWarnWithTheMergedRecordAndKeepExtensions() {
        TlsRptRecordCheck check =
            TlsRptRecordParser.parse("v=TLSRPTv1; rua=mailto:a@example.com; ext=1; rua=https://r.example.com/x");

        assertThat(check.valid()).isTrue();
        assertThat(check.rua()).containsExactly("mailto:a@example.com", "https://r.example.com/x");
        assertThat(check.warnings()).extracting(Finding::message).anySatisfy(m -> assertThat(m)
            .endsWith("v=TLSRPTv1; rua=mailto:a@example.com,https://r.example.com/x; ext=1"));
    }

    @Test
    void ruaListKeepsOrderAndTrimsWhitespaceAroundCommas() {
        TlsRptRecordCheck check = TlsRptRecordParser.parse("v=TLSRPTv1; rua=mailto:z@example.com ,\thttps://a.example.com/r");

        assertThat(check.rua()).containsExactly("mailto:z@example.com", "https://a.example.com/r");
    }

    @Test
    void multiStringRecordsAreCheckedAfterConcatenation() {
        // "v=TLSRPTv1; rua=mai" "lto:tlsrpt@example.com" as published in two strings
        TxtRecords published = new TxtRecords(List.of("v=TLSRPTv1; rua=mai", "lto:tlsrpt@example.com"),
            "v=TLSRPTv1; rua=mai" + "lto:tlsrpt@example.com");
        TlsRptDnsCheck check = TlsRptLookup.select("_smtp._tls.example.com", "example.com", List.of(published));

        assertThat(check.status()).isEqualTo(TlsRptDnsCheck.Status.VALID);
        assertThat(check.rua()).containsExactly("mailto:tlsrpt@example.com");
    }

    @Test
    void selectionDiscardsUnrelatedRecordsAndRejectsTwo() {
        TxtRecords spf = txt("v=spf1 -all");
        TxtRecords a = txt("v=TLSRPTv1; rua=mailto:a@example.com");
        TxtRecords b = txt("v=TLSRPTv1; rua=mailto:b@example.com");

        assertThat(TlsRptLookup.select("n", "example.com", List.of(spf, a)).status()).isEqualTo(TlsRptDnsCheck.Status.VALID);
        TlsRptDnsCheck two = TlsRptLookup.select("n", "example.com", List.of(a, spf, b));
        assertThat(two.status()).isEqualTo(TlsRptDnsCheck.Status.MULTIPLE);
        assertThat(two.rua()).isEmpty();
        assertThat(two.errors()).extracting(Finding::message).anySatisfy(m -> assertThat(m)
            .contains("exactly one").endsWith("v=TLSRPTv1; rua=mailto:a@example.com,mailto:b@example.com"));
        TlsRptDnsCheck none = TlsRptLookup.select("n", "example.com", List.of(spf, txt("V=TLSRPTv1; rua=mailto:a@example.com")));
        assertThat(none.status()).isEqualTo(TlsRptDnsCheck.Status.MISSING);
        assertThat(none.errors()).extracting(Finding::code).contains("version-case", "missing");
    }

    @Test
    void candidatesMustBeginWithTheVersionFollowedByADelimiter() {
        assertThat(TlsRptRecordParser.isTlsRptCandidate("v=TLSRPTv1;rua=mailto:a@example.com")).isTrue();
        assertThat(TlsRptRecordParser.isTlsRptCandidate("v=TLSRPTv1 ; rua=mailto:a@example.com")).isTrue();
        assertThat(TlsRptRecordParser.isTlsRptCandidate("v=TLSRPTv1")).isTrue();
        assertThat(TlsRptRecordParser.isTlsRptCandidate("v=TLSRPTv10; rua=mailto:a@example.com")).isFalse();
        assertThat(TlsRptRecordParser.isTlsRptCandidate(" v=TLSRPTv1; rua=mailto:a@example.com")).isFalse();
        assertThat(TlsRptRecordParser.isTlsRptCandidate("v=spf1 -all")).isFalse();
    }

    @Test
    void oversizedInputIsRefusedWithoutParsing() {
        String huge = "v=TLSRPTv1; rua=mailto:a@example.com; x=" + "y".repeat(TlsRptRecordParser.MAX_RECORD_CHARS);

        TlsRptRecordCheck check = TlsRptRecordParser.parse(huge);

        assertThat(check.valid()).isFalse();
        assertThat(check.errors()).extracting(Finding::code).containsExactly("too-long");
        assertThat(check.record()).hasSizeLessThan(300);
    }

    @Test
    void arbitraryInputNeverThrowsAndValidAlwaysMeansUsableUris() {
        // seeded, so a failure can be replayed; the alphabet is biased towards the grammar's own characters
        java.util.Random random = new java.util.Random(8460);
        String[] pieces = {"v=TLSRPTv1", ";", " ", "\t", "rua=", "mailto:", "https://", "a@b.example", ",", "=", "!",
            "%", "%2C", "x", "-", ".", "/", "?", "#", "[", "]", ":", "\u00e9", "\n", "\"", "RUA", "ext"};
        int valid = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder(random.nextInt(4) == 0 ? "" : "v=TLSRPTv1; rua=");
            int n = random.nextInt(12);
            for (int j = 0; j < n; j++) {
                b.append(pieces[random.nextInt(pieces.length)]);
            }
            TlsRptRecordCheck check = TlsRptRecordParser.parse(b.toString());
            assertThat(check.valid()).isEqualTo(check.errors().isEmpty());
            if (check.valid()) {
                valid++;
                assertThat(check.rua()).isNotEmpty().allSatisfy(uri -> assertThat(uri).matches("(?i)(mailto|https):.+"));
            } else {
                assertThat(check.rua()).isEmpty();
            }
        }
        assertThat(valid).as("some random records are valid").isPositive();
    }

    private static TxtRecords txt(String text) {
        return new TxtRecords(List.of(text), text);
    }

    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                b.append(c);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case 't' -> b.append('\t');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 'u' -> {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> b.append('\\').append(n);
            }
        }
        return b.toString();
    }
}
