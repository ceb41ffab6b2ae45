package io.tlsrpt.oauth;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An OAuth 2.0 bearer access token, when it was obtained and when it expires ({@code null}: not said). Its value is
 * never part of {@link #toString()}: it is a password for as long as it lives.
 */
public record AccessToken(String value, Instant obtained, Instant expires) {

    /** RFC 6750's b64token: what a bearer token may hold (nothing that could end or split an IMAP command). */
    private static final Pattern B64TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");
    private static final Duration MOST_EARLY = Duration.ofMinutes(5);

    /** @throws IllegalArgumentException when {@code value} is no bearer token */
    public AccessToken {
        Objects.requireNonNull(obtained, "obtained");
        if (value == null || !B64TOKEN.matcher(value).matches()) {
            throw new IllegalArgumentException("not a bearer token (RFC 6750 b64token characters only)");
        }
    }

    /**
     * When to use a new token instead: a quarter of its lifetime before it expires, at most 5 minutes before, so that
     * a session is replaced before the server ends it; {@code null} when the expiry is not known.
     */
    public Instant renewAt() {
        if (expires == null) {
            return null;
        }
        Duration lifetime = Duration.between(obtained, expires);
        Duration early = lifetime.dividedBy(4);
        return expires.minus(early.compareTo(MOST_EARLY) > 0 ? MOST_EARLY : early);
    }

    /** Whether it can be offered at {@code now}: before {@link #renewAt()}, or always when the expiry is unknown. */
    public boolean usableAt(Instant now) {
        Instant renewAt = renewAt();
        return renewAt == null || now.isBefore(renewAt);
    }

    @Override
    public String toString() {
        return "access token obtained " + obtained + (expires == null ? "" : ", expiring " + expires);
    }
}
