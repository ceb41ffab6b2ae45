package io.tlsrpt.processor.decode;

import static io.tlsrpt.processor.decode.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The delimiter rules of RFC 2046 section 5.1.1, and what Jakarta Mail tolerates beyond them. */
class MimeMultipartTest {

    private static List<String> parts(String body, String boundary) throws DecodeFailure {
        byte[] data = utf8(body);
        return MimeMultipart.split(data, 0, data.length, boundary, 100).stream()
            .map(s -> new String(data, s.start(), s.end() - s.start(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void preambleAndEpilogueAreSkippedAndTheLineBreakBeforeADelimiterBelongsToIt() throws Exception {
        assertThat(parts("preamble\r\n--b\r\nA: 1\r\n\r\none\r\n\r\n--b\r\n\r\ntwo\r\n--b--\r\nepilogue\r\n--b\r\nx", "b"))
            .containsExactly("A: 1\r\n\r\none\r\n", "\r\ntwo");
    }

    @Test
    void transportPaddingAfterADelimiterAndLfLineEnds() throws Exception {
        assertThat(parts("--b \t\nX: 1\n\none\n--b\t\n\ntwo\n--b--", "b")).containsExactly("X: 1\n\none", "\ntwo");
    }

    @Test
    void aLineThatOnlyStartsWithTheDelimiterIsContent() throws Exception {
        assertThat(parts("--b\r\n\r\n--bb is not it\r\nnor --b\r\n--b-\r\n--b--", "b"))
            .containsExactly("\r\n--bb is not it\r\nnor --b\r\n--b-");
    }

    @Test
    void aPreambleDelimiterMustBeTheWholeLine() throws Exception {
        assertThat(parts("--b and more\r\n--b  \r\n\r\nonly\r\n--b--", "b")).containsExactly("\r\nonly");
    }

    @Test
    void withoutCloseDelimiterTheLastPartRunsToTheEnd() throws Exception {
        byte[] data = utf8("--b\r\n\r\none\r\n--b\r\n\r\ntwo, cut off\r\n");
        List<MimeMultipart.Slice> slices = MimeMultipart.split(data, 0, data.length, "b", 100);
        assertThat(slices).extracting(MimeMultipart.Slice::closed).containsExactly(true, false);
        assertThat(new String(data, slices.get(1).start(), slices.get(1).end() - slices.get(1).start(),
            StandardCharsets.UTF_8)).isEqualTo("\r\ntwo, cut off\r\n");
    }

    @Test
    void withoutBoundaryParameterTheFirstDashDashLineIsTheDelimiter() throws Exception {
        assertThat(parts("text\r\n------\r\n--guess\r\n\r\none\r\n--guess--", null)).containsExactly("\r\none");
    }

    @Test
    void noDelimiterOrAnEarlyCloseMeansNoParts() throws Exception {
        assertThat(parts("just text\r\n", "b")).isEmpty();
        assertThat(parts("--b--\r\n--b\r\n\r\nlate\r\n", "b")).isEmpty();
        assertThat(parts("", "b")).isEmpty();
    }

    @Test
    void partsBeyondTheCapAreAMimeLimit() {
        String body = "--b\r\n\r\nx\r\n".repeat(4) + "--b--";
        assertThatThrownBy(() -> {
            byte[] data = utf8(body);
            MimeMultipart.split(data, 0, data.length, "b", 3);
        }).isInstanceOfSatisfying(DecodeFailure.class, f -> {
            assertThat(f.reason()).isEqualTo(RejectReason.MIME_LIMIT);
            assertThat(f.getMessage()).contains(DecoderLimits.MAX_MIME_PARTS);
        });
    }

    @Test
    void nestedMultipartsThroughMimeEntity() throws Exception {
        byte[] mail = utf8("Content-Type: multipart/mixed; boundary=outer\r\n\r\n--outer\r\n"
            + "Content-Type: multipart/alternative; boundary=\"inner\"\r\n\r\n"
            + "--inner\r\nContent-Type: text/plain\r\n\r\nplain\r\n--inner\r\nContent-Type: text/html\r\n\r\n<p>\r\n"
            + "--inner--\r\n--outer\r\nContent-Type: application/json; name=r.json\r\n\r\n{}\r\n--outer--\r\n");
        MimeEntity message = MimeEntity.parse(mail, 0, mail.length);
        List<MimeEntity> outer = message.parts(100);
        assertThat(outer).hasSize(2);
        assertThat(outer.get(0).isMultipart()).isTrue();
        assertThat(outer.get(0).parts(100)).extracting(MimeEntity::baseType).containsExactly("text/plain", "text/html");
        assertThat(outer.get(1).fileName()).isEqualTo("r.json");
        TransferDecoding.Body body = outer.get(1).body();
        assertThat(new String(body.array(), body.offset(), body.length(), StandardCharsets.UTF_8)).isEqualTo("{}");
    }

    @Test
    void aLastPartCutOffInItsHeadersIsDroppedAnEmptyOneAfterADelimiterIsKept() throws Exception {
        byte[] cut = utf8("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\none\r\n--b\r\nContent-Ty");
        assertThat(MimeEntity.parse(cut, 0, cut.length).parts(100)).hasSize(1);
        byte[] empty = utf8("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\none\r\n--b\r\n\r\n\r\n");
        assertThat(MimeEntity.parse(empty, 0, empty.length).parts(100)).extracting(MimeEntity::baseType)
            .containsExactly("text/plain", "text/plain");
    }
}
