package io.tlsrpt.generate;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * What to generate. Same settings, same bytes: everything random is derived from {@code seed}.
 *
 * @param seed       the random seed
 * @param startDate  the first UTC day covered
 * @param days       how many days (each domain gets one report per reporter per day)
 * @param domains    how many policy domains (scenario domains count among them and come first)
 * @param scenarios  incidents to inject
 * @param profileSeed the seed of the domains' profiles (volume, MX hosts, DANE, MTA-STS, small reporter); the seed
 *                    unless set, so that a benchmark's warm-up (another seed, the days before) keeps the domains
 *                    of the measured days as they are
 */
public record GeneratorSettings(long seed, LocalDate startDate, int days, int domains, List<Scenario> scenarios,
                                long profileSeed) {

    /** Default seed. */
    public static final long DEFAULT_SEED = 8460L;
    /** Default first day: fixed, so that output does not depend on when it runs. */
    public static final LocalDate DEFAULT_START_DATE = LocalDate.of(2025, 1, 1);
    /** Default number of days. */
    public static final int DEFAULT_DAYS = 30;
    /** Default number of domains. */
    public static final int DEFAULT_DOMAINS = 5;
    /** Upper bound on days, a sanity cap. */
    public static final int MAX_DAYS = 3660;
    /** Upper bound on domains, a sanity cap. */
    public static final int MAX_DOMAINS = 1_000_000;

    /** With the domains' profiles drawn from {@code seed} too. */
    public GeneratorSettings(long seed, LocalDate startDate, int days, int domains, List<Scenario> scenarios) {
        this(seed, startDate, days, domains, scenarios, seed);
    }

    public GeneratorSettings {
        Objects.requireNonNull(startDate, "startDate");
        scenarios = List.copyOf(scenarios);
        if (days < 1 || days > MAX_DAYS) {
            throw new IllegalArgumentException("days must be within 1.." + MAX_DAYS + ": " + days);
        }
        if (domains < 1 || domains > MAX_DOMAINS) {
            throw new IllegalArgumentException("domains must be within 1.." + MAX_DOMAINS + ": " + domains);
        }
        for (Scenario s : scenarios) {
            if (s.dayNumber() > days) {
                throw new IllegalArgumentException(s.kind() + " of " + s.domain() + " on day " + s.dayNumber()
                    + " is after the last generated day " + days);
            }
        }
    }

    /** The defaults: seed 8460, 2025-01-01, 30 days, 5 domains, no incident. */
    public static GeneratorSettings defaults() {
        return new GeneratorSettings(DEFAULT_SEED, DEFAULT_START_DATE, DEFAULT_DAYS, DEFAULT_DOMAINS, List.of());
    }

    /** Another seed, for the traffic and the domains' profiles alike. */
    public GeneratorSettings withSeed(long newSeed) {
        return new GeneratorSettings(newSeed, startDate, days, domains, scenarios, newSeed);
    }

    /** Another seed for the domains' profiles only. */
    public GeneratorSettings withProfileSeed(long newProfileSeed) {
        return new GeneratorSettings(seed, startDate, days, domains, scenarios, newProfileSeed);
    }

    public GeneratorSettings withDays(int newDays) {
        return new GeneratorSettings(seed, startDate, newDays, domains, scenarios, profileSeed);
    }

    public GeneratorSettings withDomains(int newDomains) {
        return new GeneratorSettings(seed, startDate, days, newDomains, scenarios, profileSeed);
    }

    public GeneratorSettings withStartDate(LocalDate newStart) {
        return new GeneratorSettings(seed, newStart, days, domains, scenarios, profileSeed);
    }

    public GeneratorSettings withScenarios(List<Scenario> newScenarios) {
        return new GeneratorSettings(seed, startDate, days, domains, newScenarios, profileSeed);
    }

    /** Number of inputs generated: one per reporter (3) per domain per day. */
    public long inputCount() {
        return (long) days * domains * ReportGenerator.REPORTERS_PER_DOMAIN;
    }
}
