package io.tlsrpt.cli.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MtaStsPolicyParserTest {

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
        "mail.example.com, mail.example.com, true",
        "mail.example.com, MAIL.Example.COM., true",
        "*.example.com, mx1.example.com, true",
        "*.example.com, MX1.EXAMPLE.COM., true",
        "*.example.com, example.com, false",
        "*.example.com, a.b.example.com, false",
        "*.example.com, mx1.example.com.evil.test, false",
        "*.example.com, mx1.notexample.com, false",
        "mail.example.com, mail2.example.com, false",
    })
    void mxPatternsFollowRfc8461Section41(String pattern, String host, boolean expected) {
        assertThat(MtaStsPolicyParser.matches(pattern, host)).isEqualTo(expected);
    }

    @Test
    void parsesAValidPolicyWithCrlfAndTrailingWhitespace() {
        Findings f = new Findings();
        MtaStsPolicy p = MtaStsPolicyParser.parse(
            "version: STSv1\r\nmode: enforce  \r\nmx: mail.example.com\r\nmx: *.backup.example.com\r\nmax_age: 31557600\r\n", f);

        assertThat(f.errors()).isEmpty();
        assertThat(f.warnings()).isEmpty();
        assertThat(p.version()).isEqualTo("STSv1");
        assertThat(p.mode()).isEqualTo("enforce");
        assertThat(p.maxAge()).isEqualTo(31_557_600L);
        assertThat(p.mx()).containsExactly("mail.example.com", "*.backup.example.com");
    }

    @Test
    void modeNoneNeedsNoMx() {
        Findings f = new Findings();
        MtaStsPolicy p = MtaStsPolicyParser.parse("version: STSv1\nmode: none\nmax_age: 86400", f);

        assertThat(f.errors()).isEmpty();
        assertThat(p.mode()).isEqualTo("none");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "sts-policy-version|version: STSv2\\nmode: enforce\\nmx: a.example\\nmax_age: 86400",
        "sts-policy-no-version|mode: enforce\\nmx: a.example\\nmax_age: 86400",
        "sts-policy-mode|version: STSv1\\nmode: strict\\nmx: a.example\\nmax_age: 86400",
        "sts-policy-no-mode|version: STSv1\\nmx: a.example\\nmax_age: 86400",
        "sts-policy-max-age|version: STSv1\\nmode: enforce\\nmx: a.example\\nmax_age: 31557601",
        "sts-policy-max-age|version: STSv1\\nmode: enforce\\nmx: a.example\\nmax_age: -1",
        "sts-policy-max-age|version: STSv1\\nmode: enforce\\nmx: a.example\\nmax_age: 12345678901",
        "sts-policy-no-max-age|version: STSv1\\nmode: enforce\\nmx: a.example",
        "sts-policy-no-mx|version: STSv1\\nmode: enforce\\nmax_age: 86400",
        "sts-policy-mx|version: STSv1\\nmode: enforce\\nmx: *.*.example.com\\nmax_age: 86400",
        "sts-policy-mx|version: STSv1\\nmode: enforce\\nmx: mail.example.com:25\\nmax_age: 86400",
        "sts-policy-line|version: STSv1\\nmode enforce\\nmx: a.example\\nmax_age: 86400",
        "sts-policy-repeated|version: STSv1\\nmode: enforce\\nmode: testing\\nmx: a.example\\nmax_age: 86400",
        "sts-policy-key|version: STSv1\\nmode: enforce\\nmx: a.example\\nmax age: 86400",
    })
    void brokenPoliciesAreRejected(String code, String body) {
        Findings f = new Findings();
        MtaStsPolicyParser.parse(body.replace("\\n", "\n"), f);

        assertThat(f.errors()).extracting(Finding::code).contains(code);
    }

    @Test
    void keysAreCaseSensitive() {
        Findings f = new Findings();
        MtaStsPolicyParser.parse("version: STSv1\nMode: enforce\nmx: a.example\nmax_age: 86400", f);

        assertThat(f.errors()).extracting(Finding::code).contains("sts-policy-no-mode");
        assertThat(f.warnings()).extracting(Finding::message).anySatisfy(m -> assertThat(m).contains("write mode"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "v=STSv1; id=20240101|",
        "v=STSv1;id=abc123;|",
        "v=STSv1; id=20240101; ext=1|",
        "v=STSv1; id=2024-01-01|sts-txt-id",
        "v=STSv1; id=123456789012345678901234567890123|sts-txt-id",
        "v=STSv1|sts-txt-no-id",
        "v=STSv1; id=1; id=2|sts-txt-id-repeated",
        "v=STSv1;; id=1|sts-txt-empty-field",
        "v=STSv1; id = 1|sts-txt-field",
    })
    void stsTxtRecords(String record, String code) {
        Findings f = new Findings();
        String id = MtaStsTxtParser.parse(record, f);

        if (code == null) {
            assertThat(f.errors()).isEmpty();
            assertThat(id).isNotNull();
        } else {
            assertThat(id).isNull();
            assertThat(f.errors()).extracting(Finding::code).contains(code);
        }
    }
}
