package io.tlsrpt.processor.decode;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Set;

/** Lenient RFC 3339 date-time reading for date-range. Results are truncated to milliseconds (the Avro type). */
final class Timestamps {

    private Timestamps() {
    }

    /** The earliest and the latest date-time taken: a report of another era is not one (and Avro's milliseconds
     * overflow past the year 292,278,994, which {@link Instant#parse} reads). */
    static final Instant EARLIEST = Instant.EPOCH;
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    /**
     * The instant, or a {@code not-a-report} failure when the value cannot be a date-time at all or lies before 1970
     * or after the year 9999.
     */
    static Instant parse(JsonNode node, String field, Set<Deviation> deviations) throws DecodeFailure {
        Instant instant = parseAny(node, field, deviations);
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw new DecodeFailure(RejectReason.NOT_A_REPORT, "date-range." + field + " " + instant
                + " is not between 1970 and 9999");
        }
        return instant;
    }

    private static Instant parseAny(JsonNode node, String field, Set<Deviation> deviations) throws DecodeFailure {
        if (node == null || node.isNull() || node.isMissingNode()) {
            throw new DecodeFailure(RejectReason.NOT_A_REPORT, "date-range." + field + " is missing");
        }
        if (node.isNumber()) {
            // epoch seconds, or milliseconds when the value is too large for seconds of this era
            long value = node.asLong();
            deviations.add(Deviation.TIMESTAMP_LENIENT);
            Instant instant = Math.abs(value) > 100_000_000_000L ? Instant.ofEpochMilli(value) : Instant.ofEpochSecond(value);
            return instant.truncatedTo(ChronoUnit.MILLIS);
        }
        if (!node.isTextual()) {
            throw new DecodeFailure(RejectReason.NOT_A_REPORT, "date-range." + field + " is not a string");
        }
        Instant instant = parseText(node.textValue().trim(), deviations);
        if (instant == null) {
            throw new DecodeFailure(RejectReason.NOT_A_REPORT,
                "date-range." + field + " '" + Texts.abbreviate(node.textValue(), 60) + "' is not a date-time");
        }
        return instant.truncatedTo(ChronoUnit.MILLIS);
    }

    static Instant parseText(String text, Set<Deviation> deviations) {
        if (text.isEmpty()) {
            return null;
        }
        Instant common = parseCommonForm(text);
        if (common != null) {
            return common;
        }
        Instant noOffset = parseLocalForm(text);
        if (noOffset != null) {
            deviations.add(Deviation.TIMESTAMP_NO_OFFSET);
            return noOffset;
        }
        // RFC 3339 allows lower-case t and z
        String upper = text.toUpperCase(Locale.ROOT);
        String normal = upper;
        if (normal.length() > 10 && normal.charAt(10) == ' ') {
            normal = normal.substring(0, 10) + 'T' + normal.substring(11);
        }
        Instant instant = tryOffset(normal);
        if (instant != null) {
            if (normal != upper) {
                deviations.add(Deviation.TIMESTAMP_LENIENT);
            }
            return instant;
        }
        try {
            Instant local = LocalDateTime.parse(normal).toInstant(ZoneOffset.UTC);
            deviations.add(Deviation.TIMESTAMP_NO_OFFSET);
            if (normal != upper) {
                deviations.add(Deviation.TIMESTAMP_LENIENT);
            }
            return local;
        } catch (DateTimeParseException notLocal) {
            // fall through to a date alone
        }
        try {
            Instant day = LocalDate.parse(normal).atStartOfDay().toInstant(ZoneOffset.UTC);
            deviations.add(Deviation.TIMESTAMP_LENIENT);
            return day;
        } catch (DateTimeParseException notADate) {
            return null;
        }
    }

    /**
     * "yyyy-MM-ddTHH:mm:ssZ", the form nearly every report uses, without DateTimeFormatter (which
     * costs more than parsing the rest of a small report). Anything else returns null.
     */
    static Instant parseCommonForm(String s) {
        return s.length() == 20 && s.charAt(19) == 'Z' ? secondsForm(s) : null;
    }

    /**
     * "yyyy-MM-ddTHH:mm:ss" without an offset (Microsoft's form), read as UTC exactly as
     * {@code LocalDateTime.parse(s).toInstant(ZoneOffset.UTC)} reads it, without DateTimeFormatter (which cost
     * 15 % of decoding a Microsoft mail). Anything else returns null.
     */
    static Instant parseLocalForm(String s) {
        return s.length() == 19 ? secondsForm(s) : null;
    }

    /** The date and time in the first 19 characters ("yyyy-MM-ddTHH:mm:ss"), as UTC; null when not that form. */
    static Instant secondsForm(String s) {
        if (s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
            || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
            || minute > 59 || second < 0 || second > 59 || day > YearMonth.of(year, month).lengthOfMonth()) {
            return null;
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3600L + minute * 60L + second);
    }

    /**
     * Exactly {@code DateTimeFormatter.ISO_INSTANT.format(instant)} (the dedup key is built from it and must not
     * change), without the formatter for the instants reports have: years 0000-9999, whole milliseconds. The
     * formatter costs as much as the SHA-256 of the key; anything else still goes through it.
     */
    static String isoInstant(Instant instant) {
        long seconds = instant.getEpochSecond();
        int nano = instant.getNano();
        if (seconds < YEAR_0 || seconds >= YEAR_10000 || nano % 1_000_000 != 0) {
            return DateTimeFormatter.ISO_INSTANT.format(instant);
        }
        long day = Math.floorDiv(seconds, 86_400L);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        LocalDate date = LocalDate.ofEpochDay(day);
        char[] out = new char[nano == 0 ? 20 : 24];
        put(out, 0, date.getYear(), 4);
        out[4] = '-';
        put(out, 5, date.getMonthValue(), 2);
        out[7] = '-';
        put(out, 8, date.getDayOfMonth(), 2);
        out[10] = 'T';
        put(out, 11, secondOfDay / 3600, 2);
        out[13] = ':';
        put(out, 14, secondOfDay / 60 % 60, 2);
        out[16] = ':';
        put(out, 17, secondOfDay % 60, 2);
        if (nano != 0) {
            out[19] = '.';
            put(out, 20, nano / 1_000_000, 3);
        }
        out[out.length - 1] = 'Z';
        return new String(out);
    }

    /** 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z in epoch seconds. */
    private static final long YEAR_0 = -62_167_219_200L;
    private static final long YEAR_10000 = 253_402_300_800L;

    private static void put(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /** The decimal value of {@code count} ASCII digits from {@code from}; -1 if one is not a digit. */
    static int digits(String s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static Instant tryOffset(String text) {
        char last = text.charAt(text.length() - 1);
        boolean mayHaveOffset = last == 'Z' || (text.length() > 19 && hasOffsetSign(text));
        if (!mayHaveOffset) {
            return null;
        }
        try {
            return last == 'Z' ? Instant.parse(text) : OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static boolean hasOffsetSign(String text) {
        int t = text.indexOf('T');
        if (t < 0) {
            return false;
        }
        for (int i = t + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '+' || c == '-') {
                return true;
            }
        }
        return false;
    }
}
