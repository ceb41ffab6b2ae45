package io.tlsrpt.processor.decode;

import static io.tlsrpt.processor.decode.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Content-Transfer-Encodings: base64 and quoted-printable decoded, the identities not copied. */
class TransferDecodingTest {

    private static byte[] decode(String body, String encoding) throws DecodeFailure {
        byte[] data = body.getBytes(StandardCharsets.ISO_8859_1);
        TransferDecoding.Body out = TransferDecoding.decode(data, 0, data.length, encoding);
        return Arrays.copyOfRange(out.array(), out.offset(), out.offset() + out.length());
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    @Test
    void identityEncodingsShareTheMailsArray() throws Exception {
        byte[] data = utf8("headers\r\n\r\nbody");
        for (String encoding : new String[] {null, "7bit", "8BIT", " binary (raw) ", ""}) {
            TransferDecoding.Body body = TransferDecoding.decode(data, 11, data.length, encoding);
            assertThat(body.array()).isSameAs(data);
            assertThat(body.offset()).isEqualTo(11);
            assertThat(body.length()).isEqualTo(4);
        }
    }

    @Test
    void base64SkipsLineBreaksBlanksAndStrayBytes() throws Exception {
        assertThat(text(decode("SGVs\r\nbG8g\n d29y\tbGQ=\r\n", "base64"))).isEqualTo("Hello world");
        assertThat(text(decode("SGVs*bG8!", "BASE64 (comment)"))).isEqualTo("Hello");
        assertThat(text(decode("SGVsbG8", "base64"))).isEqualTo("Hello");  // padding left out
        assertThat(text(decode("SGVsbA==\r\n=\r\n", "base64"))).isEqualTo("Hell");
        assertThat(decode("", "base64")).isEmpty();
    }

    @Test
    void base64ThatCannotBeDecodedIsAnInvalidEncoding() {
        for (String bad : new String[] {"SGVsb", "SGVsbA==SGVs", "S==="}) {
            assertThatThrownBy(() -> decode(bad, "base64")).as(bad).isInstanceOfSatisfying(DecodeFailure.class,
                f -> assertThat(f.reason()).isEqualTo(RejectReason.INVALID_ENCODING));
        }
    }

    @Test
    void quotedPrintable() throws Exception {
        assertThat(text(decode("caf=C3=a9 =3D soft=\r\nbreak=  \r\nend", "quoted-printable")))
            .isEqualTo("caf\u00c3\u00a9 = softbreakend");
        // blanks added at line ends are dropped; an '=' that starts no escape is kept
        assertThat(text(decode("a  \r\nb=ZZ=4", "Quoted-Printable"))).isEqualTo("a\r\nb=ZZ=4");
        assertThat(text(decode("tail=", "quoted-printable"))).isEqualTo("tail");
    }

    @Test
    void anUnknownEncodingIsMalformedMime() {
        assertThatThrownBy(() -> decode("x", "`base64")).isInstanceOfSatisfying(DecodeFailure.class, f -> {
            assertThat(f.reason()).isEqualTo(RejectReason.MALFORMED_MIME);
            assertThat(f.getMessage()).contains("Unknown encoding: `base64");
        });
    }

    @Property(seed = "8460")
    void base64RoundTripsWhateverTheLineLength(@ForAll @Size(max = 600) byte[] data,
                                              @ForAll @IntRange(min = 4, max = 100) int lineLength) throws Exception {
        String encoded = Base64.getMimeEncoder(lineLength / 4 * 4, new byte[] {'\r', '\n'}).encodeToString(data);
        assertThat(decode(encoded + "\r\n", "base64")).isEqualTo(data);
        assertThat(decode(encoded.replace("=", ""), "base64")).isEqualTo(data);
    }

    @Property(seed = "8460")
    void quotedPrintableRoundTripsTheFixtureEncoder(@ForAll @Size(max = 600) byte[] data) throws Exception {
        String encoded = Fixtures.MailBuilder.encode(data, "quoted-printable");
        byte[] decoded = decode(encoded, "quoted-printable");
        // the encoder ends the data with a line break, and blanks before a line break go in transport
        assertThat(text(decoded)).isEqualTo(text(data).replaceAll("[ ]+\\z", "") + "\r\n");
    }

    @Property(seed = "8460", tries = 500)
    void base64FastPathAgreesWithAByteByByteReading(@ForAll @Size(max = 300) byte[] data,
                                                   @ForAll @IntRange(min = 1, max = 83) int lineLength,
                                                   @ForAll("noise") byte[] noise, @ForAll long salt,
                                                   @ForAll @IntRange(min = 0, max = 3) int padding) {
        // any line length (odd ones split groups of four across line breaks), noise bytes anywhere, padding
        // kept, dropped or followed by more data
        String plain = Base64.getEncoder().withoutPadding().encodeToString(data);
        java.util.Random random = new java.util.Random(salt);
        StringBuilder mail = new StringBuilder();
        for (int i = 0; i < plain.length(); i++) {
            if (i > 0 && i % lineLength == 0) {
                mail.append("\r\n");
            }
            if (noise.length > 0 && random.nextInt(16) == 0) {
                mail.append((char) (noise[random.nextInt(noise.length)] & 0xff));
            }
            mail.append(plain.charAt(i));
        }
        mail.append("=".repeat(padding));
        if (padding > 0 && random.nextBoolean()) {
            mail.append(random.nextBoolean() ? "\r\n" : "\r\nQUJD");
        }
        String body = mail.toString();
        Object expected = referenceBase64(body);
        Object actual;
        try {
            actual = Arrays.toString(decode(body, "base64"));
        } catch (DecodeFailure failure) {
            actual = failure.reason();
        }
        assertThat(actual).as(body).isEqualTo(expected);
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<byte[]> noise() {
        return net.jqwik.api.Arbitraries.bytes().filter(b -> b != '=')
            .array(byte[].class).ofMaxSize(4);
    }

    /** The decoded bytes as a string, or INVALID_ENCODING, read one character at a time. */
    private static Object referenceBase64(String body) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        StringBuilder kept = new StringBuilder();
        int i = 0;
        for (; i < body.length() && body.charAt(i) != '='; i++) {
            if (alphabet.indexOf(body.charAt(i)) >= 0) {
                kept.append(body.charAt(i));
            }
        }
        if (kept.length() % 4 == 1) {
            return RejectReason.INVALID_ENCODING;
        }
        for (; i < body.length(); i++) {
            if (alphabet.indexOf(body.charAt(i)) >= 0) {
                return RejectReason.INVALID_ENCODING;  // data after the padding
            }
        }
        return Arrays.toString(Base64.getDecoder().decode(kept.toString()));
    }

    @Test
    void base64GroupsBrokenByInvalidCharactersOrWhitespaceAreStillRead() throws Exception {
        assertThat(text(decode("SG\r\nVsbG8g d29ybGQ", "base64"))).isEqualTo("Hello world");
        assertThat(text(decode("S\u00ffGVs!bG8", "base64"))).isEqualTo("Hello");
        assertThat(text(decode("SGVsbG8gd29ybGQh\r\n", "base64"))).isEqualTo("Hello world!");
        assertThat(text(decode("SGVsbG8gd29ybA=\r\n", "base64"))).isEqualTo("Hello worl");
    }
}
