package io.tlsrpt.oauth;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccessTokenTest {
    private static final Instant T = Instant.parse("2026-12-03T18:00:00Z");

    @Test
    void renewedAQuarterOfItsLifetimeEarlyAndAtMostFiveMinutesEarly() {
        assertThat(new AccessToken("t", T, T.plusSeconds(3599)).renewAt()).isEqualTo(T.plusSeconds(3299));
        assertThat(new AccessToken("t", T, T.plusSeconds(60)).renewAt()).isEqualTo(T.plusSeconds(45));
        AccessToken unknown = new AccessToken("t", T, null);
        assertThat(unknown.renewAt()).isNull();
        assertThat(unknown.usableAt(T.plusSeconds(86_400 * 365L))).isTrue();
        AccessToken minute = new AccessToken("t", T, T.plusSeconds(60));
        assertThat(minute.usableAt(T.plusSeconds(44))).isTrue();
        assertThat(minute.usableAt(T.plusSeconds(45))).isFalse();
    }

    @Test
    void onlyBearerTokenCharactersAndNeverPrinted() {
        assertThat(new AccessToken("ya29.a0Af-_~+/x==", T, null).toString()).doesNotContain("ya29");
        assertThatThrownBy(() -> new AccessToken("a b", T, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AccessToken("a\r\nA1 LOGOUT", T, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AccessToken("", T, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AccessToken(null, T, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
