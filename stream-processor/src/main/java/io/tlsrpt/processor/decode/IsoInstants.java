package io.tlsrpt.processor.decode;

import java.time.Instant;
import java.time.LocalDate;
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
        if (n < 20 || n == 21 || n > 30 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z'
                || (n > 20 && s.charAt(19) != '.')) {
            return null;
        }
        int year = Timestamps.digits(s, 0, 4);
        int month = Timestamps.digits(s, 5, 2);
        int day = Timestamps.digits(s, 8, 2);
        int hour = Timestamps.digits(s, 11, 2);
        int minute = Timestamps.digits(s, 14, 2);
        int second = Timestamps.digits(s, 17, 2);
        int fractionDigits = n > 20 ? n - 21 : 0;
        int fraction = fractionDigits == 0 ? 0 : Timestamps.digits(s, 20, fractionDigits);
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59 || fraction < 0 || day > LocalDate.of(year, month, 1).lengthOfMonth()) {
            return null;   // Instant.parse decides (and throws the same exception for invalid text)
        }
        int nano = fraction;
        for (int i = fractionDigits; i < 9; i++) {
            nano *= 10;
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3600L + minute * 60L + second, nano);
    }
}
