package io.tlsrpt.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContentTypesTest {

    @Test
    void guessesFromTheExtensionCaseInsensitively() {
        assertThat(ContentTypes.guess("google-2024-09-15.eml")).isEqualTo("message/rfc822");
        assertThat(ContentTypes.guess("a!b!1!2.JSON")).isEqualTo("application/tlsrpt+json");
        assertThat(ContentTypes.guess("google.com!krvtz.net!1726358400!1726444799!001.json.gz"))
            .isEqualTo("application/tlsrpt+gzip");
        assertThat(ContentTypes.guess("report.zip")).isEqualTo("application/zip");
        assertThat(ContentTypes.guess("README")).isEqualTo("application/octet-stream");
    }

    @Test
    void rawRecordKeyIsTheLowerCaseHexSha256OfThePayload() {
        assertThat(RawInputProducer.sha256Hex("abc".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
            .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
