package io.tlsrpt.generate;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;

/**
 * An incident injected into the generated traffic of one domain, from {@code firstDay} for {@code durationDays} days.
 *
 * <p>Written on the command line as {@code DOMAIN@DAY[+DAYS]}: DAY is a 1-based day number of the generated period
 * or an ISO date, DAYS the duration (default: {@link Kind#defaultDurationDays()}).
 *
 * @param kind         what happens
 * @param domain       the policy domain affected (lower case)
 * @param dayNumber    the first affected day, 1-based
 * @param durationDays how many consecutive days it lasts
 */
public record Scenario(Kind kind, String domain, int dayNumber, int durationDays) {

    /** The incidents the generator knows. */
    public enum Kind {
        /** STARTTLS stripped: starttls-not-supported for 35-60 % of the domain's sessions, every reporter, many IPs. */
        DOWNGRADE(1),
        /** The MX certificate expired: certificate-expired for almost every session until renewed. */
        CERTIFICATE_EXPIRY(3),
        /** The MTA-STS policy host fails: sts-policy-fetch-error for a large share of sessions. */
        STS_FETCH_ERROR(2),
        /** The MTA-STS policy withdrawn: the senders report no-policy-found, every session still succeeding. */
        STS_WITHDRAWN(2);

        private final int defaultDurationDays;

        Kind(int defaultDurationDays) {
            this.defaultDurationDays = defaultDurationDays;
        }

        /** Duration when the spec gives none. */
        public int defaultDurationDays() {
            return defaultDurationDays;
        }
    }

    public Scenario {
        Objects.requireNonNull(kind, "kind");
        domain = Objects.requireNonNull(domain, "domain").toLowerCase(Locale.ROOT);
        if (domain.isBlank() || !domain.contains(".")) {
            throw new IllegalArgumentException("not a domain name: '" + domain + "'");
        }
        if (dayNumber < 1) {
            throw new IllegalArgumentException("day numbers start at 1: " + dayNumber);
        }
        if (durationDays < 1) {
            throw new IllegalArgumentException("duration must be at least one day: " + durationDays);
        }
    }

    /** True when this incident is active on the given 1-based day. */
    public boolean activeOn(int day) {
        return day >= dayNumber && day < dayNumber + durationDays;
    }

    /**
     * Parses {@code DOMAIN@DAY[+DAYS]}.
     *
     * @param startDate the first day of the generated period (to turn an ISO date into a day number)
     * @throws IllegalArgumentException with a message fit for a usage error
     */
    public static Scenario parse(Kind kind, String spec, LocalDate startDate) {
        int at = spec.lastIndexOf('@');
        if (at <= 0 || at == spec.length() - 1) {
            throw new IllegalArgumentException("expected DOMAIN@DAY[+DAYS], got '" + spec + "'");
        }
        String domain = spec.substring(0, at);
        String when = spec.substring(at + 1);
        int duration = kind.defaultDurationDays();
        int plus = when.indexOf('+');
        if (plus >= 0) {
            duration = parseInt(when.substring(plus + 1), spec);
            when = when.substring(0, plus);
        }
        int day;
        if (when.matches("\\d{4}-\\d{2}-\\d{2}")) {
            try {
                day = (int) (LocalDate.parse(when).toEpochDay() - startDate.toEpochDay()) + 1;
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("bad date in '" + spec + "': " + e.getMessage(), e);
            }
            if (day < 1) {
                throw new IllegalArgumentException("'" + spec + "' is before the start date " + startDate);
            }
        } else {
            day = parseInt(when, spec);
        }
        return new Scenario(kind, domain, day, duration);
    }

    private static int parseInt(String text, String spec) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected DOMAIN@DAY[+DAYS], got '" + spec + "'", e);
        }
    }
}
