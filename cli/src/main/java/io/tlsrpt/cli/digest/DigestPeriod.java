package io.tlsrpt.cli.digest;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * The UTC days a digest covers, {@code first} to {@code last} inclusive: the report windows (days) that start in it.
 */
record DigestPeriod(LocalDate first, LocalDate last) {

    DigestPeriod {
        if (last.isBefore(first)) {
            throw new IllegalArgumentException("the period ends (" + last + ") before it begins (" + first + ")");
        }
    }

    /** The seven days before {@code today}: last week's reports, whichever day the digest is made. */
    static DigestPeriod lastSevenDays(LocalDate today) {
        return new DigestPeriod(today.minusDays(7), today.minusDays(1));
    }

    Instant from() {
        return first.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The end, exclusive: the start of the day after {@code last}. */
    Instant to() {
        return last.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    boolean contains(Instant windowStart) {
        return !windowStart.isBefore(from()) && windowStart.isBefore(to());
    }

    /** The as many days just before this period: what a digest compares each domain's failed share with. */
    DigestPeriod before() {
        return new DigestPeriod(first.minusDays(days()), first.minusDays(1));
    }

    long days() {
        return ChronoUnit.DAYS.between(first, last) + 1;
    }
}
