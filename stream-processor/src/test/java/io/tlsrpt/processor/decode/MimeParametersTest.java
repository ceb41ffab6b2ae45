package io.tlsrpt.processor.decode;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Content-Type / Content-Disposition values: quoted strings, lenient values, RFC 2231. */
class MimeParametersTest {

    @Test
    void valueIsLowerCasedAndParameterNamesAreCaseInsensitive() {
        MimeParameters p = MimeParameters.parse("MULTIPART/REPORT; REPORT-TYPE=TLSRPT;\tBoundary=\"==b-1==\"");
        assertThat(p.value()).isEqualTo("multipart/report");
        assertThat(p.get("report-type")).isEqualTo("TLSRPT");
        assertThat(p.get("BOUNDARY")).isEqualTo("==b-1==");
        assertThat(p.get("charset")).isNull();
    }

    @Test
    void quotedStringsKeepSemicolonsAndEscapedQuotes() {
        MimeParameters p = MimeParameters.parse("attachment; filename=\"a;b \\\"c\\\".json\" ; size=12");
        assertThat(p.value()).isEqualTo("attachment");
        assertThat(p.get("filename")).isEqualTo("a;b \"c\".json");
        assertThat(p.get("size")).isEqualTo("12");
        // an escape after the closing quote belongs to the next value; a backslash ending an open quote is kept
        MimeParameters later = MimeParameters.parse("a; name=\"plain.json\"; note=\"x\\\"y\"");
        assertThat(later.get("name")).isEqualTo("plain.json");
        assertThat(later.get("note")).isEqualTo("x\"y");
        assertThat(MimeParameters.parse("a; name=\"open\\").get("name")).isEqualTo("open\\");
    }

    @Test
    void lenientValues() {
        // an unquoted value with blanks runs to the next ';'; an unterminated quote to the end
        assertThat(MimeParameters.parse("application/octet-stream; name=my report.json.gz ; x=1").get("name"))
            .isEqualTo("my report.json.gz");
        assertThat(MimeParameters.parse("text/plain; name=\"open.json").get("name")).isEqualTo("open.json");
        MimeParameters p = MimeParameters.parse("text/plain;; novalue; =x; charset=us-ascii;");
        assertThat(p.get("charset")).isEqualTo("us-ascii");
        assertThat(p.get("novalue")).isNull();
        assertThat(MimeParameters.parse("text/html").value()).isEqualTo("text/html");
        assertThat(MimeParameters.parse("").value()).isEmpty();
    }

    @Test
    void rfc2231ExtendedValueWithCharset() {
        MimeParameters p = MimeParameters.parse(
            "attachment; filename=\"fallback.json\"; filename*=UTF-8'en'%E2%82%AC%20rates.json");
        assertThat(p.get("filename")).isEqualTo("\u20ac rates.json");
    }

    @Test
    void rfc2231ContinuationsAreJoinedInOrderAndMayMixEncodedAndPlainSections() {
        MimeParameters p = MimeParameters.parse("attachment; filename*1=\"-part-two\"; filename*0=\"part-one\";"
            + " filename*2=\".json\"");
        assertThat(p.get("filename")).isEqualTo("part-one-part-two.json");
        // a multi-byte character split over two encoded sections
        MimeParameters split = MimeParameters.parse("attachment; filename*0*=utf-8''caf%C3; filename*1*=%A9;"
            + " filename*2=\" report.gz\"");
        assertThat(split.get("filename")).isEqualTo("caf\u00e9 report.gz");
        // a gap ends the value
        assertThat(MimeParameters.parse("a; name*0=x; name*2=z").get("name")).isEqualTo("x");
    }

    @Test
    void anUnknownCharsetKeepsTheValueAsSent() {
        assertThat(MimeParameters.parse("a; filename*=x-no-such-charset''%41").get("filename"))
            .isEqualTo("x-no-such-charset''%41");
        assertThat(MimeParameters.parse("a; filename*=''%41%zz").get("filename")).isEqualTo("A%zz");
    }
}
