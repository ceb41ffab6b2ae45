package io.tlsrpt.processor.decode;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * {@link Instant#parse} for the form the connector writes ({@code Instant.toString()}: {@code
 * yyyy-MM-ddTHH:mm:ss[.fraction]Z}) without {@code DateTimeFormatter}, which cost ~5 % of the stream thread when
 * it parsed the arrival header twice per report (decode hints, late filter). Any other text goes through
 * {@link Instant#parse}, so the result and the exceptions are the same as {@code Instant.parse}'s.
 */
public final class IsoInstants {

    private IsoInstants() {
    }

    /** The instant; throws {@link DateTimeParseException} as {@link Instant#parse} does. */
    public static Instant parse(String text) {
        Instant fast = parseUtcForm(text);
        return fast != null ? fast : Instant.parse(text);
    }

    /** The common UTC form with a year 0000-9999 and 0-9 fraction digits; null for anything else. */
    private static Instant parseUtcForm(String s) {
        int n = s.length();
        if (n < 20 || n == 21 || n > 30 || s.charAt(n - 1) != 'Z' || (n > 20 && s.charAt(19) != '.')) {
            return null;
        }
        int fractionDigits = n > 20 ? n - 21 : 0;
        int fraction = fractionDigits == 0 ? 0 : Timestamps.digits(s, 20, fractionDigits);
        // the date and time are the decoder's common form (Timestamps); Instant.parse decides anything else
        Instant seconds = fraction < 0 ? null : Timestamps.secondsForm(s);
        if (seconds == null) {
            return null;
        }
        int nano = fraction;
        for (int i = fractionDigits; i < 9; i++) {
            nano *= 10;
        }
        return seconds.plusNanos(nano);
    }
}
