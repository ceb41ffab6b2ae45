package io.tlsrpt.cli.bench;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

import io.tlsrpt.generate.GeneratedInput;
import io.tlsrpt.generate.GeneratorSettings;
import io.tlsrpt.generate.ReportGenerator;
import io.tlsrpt.generate.Scenario;

/**
 * What a benchmark feeds the pipeline: the first {@code reports} inputs of the project's generator over
 * {@code domains} policy domains (per day and domain a Google mail, a Microsoft mail and a Postfix HTTPS body, in
 * event order), with an incident (downgrade, expired certificate, MTA-STS fetch error or withdrawn MTA-STS policy, in
 * turn) on a {@code failureMix} share of the domains, on the last generated day (so the detector has a baseline
 * before it).
 *
 * @param reports    number of raw inputs (each one report)
 * @param domains    number of policy domains
 * @param failureMix share of domains with an incident, 0..1
 * @param seed       generator seed
 * @param startDate  the first UTC day of the reports
 * @param profileSeed the generator's seed of the domains' profiles (see {@link GeneratorSettings#profileSeed()})
 */
public record Workload(long reports, int domains, double failureMix, long seed, LocalDate startDate,
                       long profileSeed) {

    /** A workload from the generator's default start date. */
    public Workload(long reports, int domains, double failureMix, long seed) {
        this(reports, domains, failureMix, seed, GeneratorSettings.DEFAULT_START_DATE);
    }

    /** A workload whose domains' profiles come from its seed. */
    public Workload(long reports, int domains, double failureMix, long seed, LocalDate startDate) {
        this(reports, domains, failureMix, seed, startDate, seed);
    }

    public Workload {
        Objects.requireNonNull(startDate, "startDate");
        if (reports < 1) {
            throw new IllegalArgumentException("reports must be at least 1: " + reports);
        }
        if (domains < 1 || domains > GeneratorSettings.MAX_DOMAINS) {
            throw new IllegalArgumentException("domains must be in 1.." + GeneratorSettings.MAX_DOMAINS + ": "
                + domains);
        }
        if (!(failureMix >= 0 && failureMix <= 1)) {
            throw new IllegalArgumentException("failure mix must be in 0..1: " + failureMix);
        }
    }

    /**
     * {@code warmupReports} other reports (another seed) on the same domains, on the days just before this
     * workload's: what a processor has seen before this workload arrives, so that its reports are neither
     * duplicates nor late, and the detector finds a baseline.
     */
    public Workload precededBy(long warmupReports) {
        Workload w = new Workload(warmupReports, domains, failureMix, seed + 1, startDate);
        // the same domains: a domain that had MTA-STS (or DANE, or a background of failures) in the warm-up and not
        // in the measured days would raise alerts about a change that never happened
        return new Workload(warmupReports, domains, failureMix, seed + 1, startDate.minusDays(w.days()),
            profileSeed);
    }

    /** Days the generator must cover to yield {@link #reports} inputs. */
    public int days() {
        long perDay = (long) domains * ReportGenerator.REPORTERS_PER_DOMAIN;
        return (int) Math.max(1, (reports + perDay - 1) / perDay);
    }

    /** The generator settings, incidents included. */
    public GeneratorSettings settings() {
        GeneratorSettings plain = GeneratorSettings.defaults().withSeed(seed).withProfileSeed(profileSeed)
            .withStartDate(startDate).withDomains(domains).withDays(days());
        List<String> names = new ReportGenerator(plain).domainNames();
        int incidents = (int) Math.round(domains * failureMix);
        List<Scenario> scenarios = new ArrayList<>(incidents);
        Scenario.Kind[] kinds = Scenario.Kind.values();
        int day = days();
        for (int i = 0; i < incidents; i++) {
            // spread over the domain list so that every partition gets some
            String domain = names.get((int) ((long) i * domains / Math.max(1, incidents)));
            scenarios.add(new Scenario(kinds[i % kinds.length], domain, day, 1));
        }
        return plain.withScenarios(scenarios);
    }

    /** The inputs, lazily, in event order. */
    public Iterator<GeneratedInput> inputs() {
        Iterator<GeneratedInput> all = new ReportGenerator(settings()).iterator();
        return new Iterator<>() {
            private long left = reports;

            @Override
            public boolean hasNext() {
                return left > 0 && all.hasNext();
            }

            @Override
            public GeneratedInput next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                left--;
                return all.next();
            }
        };
    }
}
