package io.tlsrpt.processor.decode;

import static io.tlsrpt.processor.decode.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Header blocks read in place: folding, line ends, names, charsets and the bounds. */
class MimeHeadersTest {

    private static MimeHeaders parse(String block) throws DecodeFailure {
        byte[] data = utf8(block);
        return MimeHeaders.parse(data, 0, data.length);
    }

    @Test
    void foldedFieldsAreUnfoldedKeepingTheBlankThatStartsEachContinuation() throws Exception {
        MimeHeaders headers = parse("Subject: Report\r\n Domain: example.com\r\n\tSubmitter: x\r\nTo: a@b\r\n\r\nbody");
        assertThat(headers.first("subject")).isEqualTo("Report Domain: example.com\tSubmitter: x");
        assertThat(headers.first("TO")).isEqualTo("a@b");
        assertThat(headers.terminated()).isTrue();
    }

    @Test
    void theValueStartsAfterBlanksAndALineBreakAfterTheColon() throws Exception {
        MimeHeaders headers = parse("Subject:\r\n 133708152202987951+krvtz.net\r\nSubject :  second\r\n\r\n");
        assertThat(headers.all("Subject")).containsExactly("133708152202987951+krvtz.net", "second");
        assertThat(headers.joined("Subject")).isEqualTo("133708152202987951+krvtz.net, second");
        assertThat(headers.first("Date")).isNull();
        assertThat(headers.joined("Date")).isNull();
    }

    @Test
    void linesMayEndInLfOrALoneCr() throws Exception {
        byte[] data = utf8("A: 1\nB: 2\rC: 3\n continued\n\nthe body");
        MimeHeaders headers = MimeHeaders.parse(data, 0, data.length);
        assertThat(headers.first("A")).isEqualTo("1");
        assertThat(headers.first("B")).isEqualTo("2");
        assertThat(headers.first("C")).isEqualTo("3 continued");
        assertThat(new String(data, headers.bodyStart(), data.length - headers.bodyStart(), StandardCharsets.UTF_8))
            .isEqualTo("the body");
    }

    @Test
    void aBlockWithoutEmptyLineRunsToTheEndAndHasAnEmptyBody() throws Exception {
        byte[] data = utf8("A: 1\r\nB: 2\r\n");
        MimeHeaders headers = MimeHeaders.parse(data, 0, data.length);
        assertThat(headers.terminated()).isFalse();
        assertThat(headers.bodyStart()).isEqualTo(data.length);
        assertThat(headers.first("B")).isEqualTo("2");
    }

    @Test
    void linesWithoutColonAndLeadingContinuationsAreNoFields() throws Exception {
        MimeHeaders headers = parse(" orphan continuation\r\nnot a header line\r\n: no name\r\nX: y\r\n\r\n");
        assertThat(headers.first("X")).isEqualTo("y");
        assertThat(headers.first("not a header line")).isNull();
    }

    @Test
    void rawUtf8IsReadAsUtf8AndOtherEightBitBytesAsLatin1() throws Exception {
        assertThat(parse("Subject: caf\u00e9 \u20ac\r\n\r\n").first("Subject")).isEqualTo("caf\u00e9 \u20ac");
        byte[] latin1 = "Subject: caf\u00e9\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(MimeHeaders.parse(latin1, 0, latin1.length).first("Subject")).isEqualTo("caf\u00e9");
    }

    @Test
    void aSliceIsReadWithoutTheBytesAroundIt() throws Exception {
        byte[] data = utf8("XXXX: 0\r\nA: 1\r\n\r\nbodyYYYY");
        MimeHeaders headers = MimeHeaders.parse(data, 9, data.length - 4);
        assertThat(headers.first("XXXX")).isNull();
        assertThat(headers.first("A")).isEqualTo("1");
        assertThat(headers.bodyStart()).isEqualTo(17);
    }

    @Test
    void tooManyFieldsOrAnOverlongValueIsAMimeLimit() throws Exception {
        String many = "X: y\r\n".repeat(MimeHeaders.MAX_FIELDS + 1) + "\r\n";
        assertThatThrownBy(() -> parse(many)).isInstanceOfSatisfying(DecodeFailure.class,
            f -> assertThat(f.reason()).isEqualTo(RejectReason.MIME_LIMIT));
        assertThat(parse("X: y\r\n".repeat(MimeHeaders.MAX_FIELDS) + "\r\n").all("X")).hasSize(MimeHeaders.MAX_FIELDS);

        MimeHeaders longSubject = parse("Subject: " + "x".repeat(MimeHeaders.MAX_VALUE_BYTES + 1)
            + "\r\nFrom: a@b\r\n\r\n");
        assertThat(longSubject.first("From")).isEqualTo("a@b");  // only a value that is read counts
        assertThatThrownBy(() -> longSubject.first("Subject")).isInstanceOfSatisfying(DecodeFailure.class,
            f -> assertThat(f.reason()).isEqualTo(RejectReason.MIME_LIMIT));
    }

    @net.jqwik.api.Property(seed = "8460", tries = 500)
    void lineEndFindsTheFirstLineBreakAsAByteByByteScan(
        @net.jqwik.api.ForAll("lineBytes") byte[] data, @net.jqwik.api.ForAll long salt) {
        java.util.Random random = new java.util.Random(salt);
        int from = data.length == 0 ? 0 : random.nextInt(data.length + 1);
        int to = from + (data.length == from ? 0 : random.nextInt(data.length - from + 1));
        int expected = to;
        for (int i = from; i < to; i++) {
            if (data[i] == '\r' || data[i] == '\n') {
                expected = i;
                break;
            }
        }
        assertThat(MimeHeaders.lineEnd(data, from, to)).isEqualTo(expected);
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<byte[]> lineBytes() {
        // mostly letters, with the bytes around CR and LF (tab, 0x0E, 0x0C), 8-bit bytes and the line breaks
        net.jqwik.api.Arbitrary<Byte> rare = net.jqwik.api.Arbitraries.of((byte) '\r', (byte) '\n', (byte) '\t',
            (byte) 0x0E, (byte) 0x0C, (byte) 0x00, (byte) 0x80, (byte) 0xFF, (byte) 0x8D, (byte) 0x8A);
        net.jqwik.api.Arbitrary<Byte> common = net.jqwik.api.Arbitraries.bytes().between((byte) 0x20, (byte) 0x7E);
        return net.jqwik.api.Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(30, common), net.jqwik.api.Tuple.of(1, rare))
            .array(byte[].class).ofMaxSize(200);
    }

    @net.jqwik.api.Property(seed = "8460", tries = 500)
    void aValueIsItsBytesWithoutLineBreaksAsUtf8ElseLatin1(@net.jqwik.api.ForAll("lineBytes") byte[] data) {
        byte[] kept = new String(data, StandardCharsets.ISO_8859_1).replace("\r", "").replace("\n", "")
            .getBytes(StandardCharsets.ISO_8859_1);
        String expected;
        try {
            expected = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(kept)).toString();
        } catch (java.nio.charset.CharacterCodingException notUtf8) {
            expected = new String(kept, StandardCharsets.ISO_8859_1);
        }
        assertThat(MimeHeaders.text(data, 0, data.length)).isEqualTo(expected);
    }
}
