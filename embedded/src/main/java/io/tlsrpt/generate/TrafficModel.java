package io.tlsrpt.generate;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import io.tlsrpt.generate.ReportContent.FailureLine;
import io.tlsrpt.generate.ReportContent.PolicyContent;

/**
 * The simulated mail traffic: per domain a lognormal median volume, per day a weekday dip and lognormal noise, split
 * among the reporters; mostly successful sessions with a low background of failures, plus the injected incidents.
 */
final class TrafficModel {

    /** Median of the per-domain median daily sessions, and the spread (sigma of its logarithm). */
    private static final double DOMAIN_VOLUME_MEDIAN = 600;
    private static final double DOMAIN_VOLUME_SIGMA = 1.0;
    private static final double DAILY_NOISE_SIGMA = 0.15;
    private static final double WEEKEND_FACTOR = 0.6;
    /** Background rates (per session) of the failures every real domain sees now and then. */
    private static final double VALIDATION_FAILURE_RATE = 0.0004;
    private static final double TRANSIENT_FETCH_ERROR_RATE = 0.0002;
    /** Share of the domains (other than the scenarios') that publish TLS-RPT without MTA-STS. */
    private static final double WITHOUT_MTA_STS_SHARE = 0.2;

    private static final String[] WORDS = {"acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "wonka",
        "tyrell", "cyberdyne", "soylent", "vandelay", "oscorp", "aperture", "monarch", "gringotts", "dunder",
        "prestige", "massive", "nakatomi"};

    private final GeneratorSettings settings;
    private final List<String> domainNames;

    TrafficModel(GeneratorSettings settings) {
        this.settings = settings;
        this.domainNames = domainNames(settings);
    }

    List<String> domainNames() {
        return domainNames;
    }

    /** Scenario domains first (in the order given), then generated names, {@code settings.domains()} in all. */
    private static List<String> domainNames(GeneratorSettings settings) {
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
        settings.scenarios().forEach(s -> names.add(s.domain()));
        for (int i = 0; names.size() < settings.domains(); i++) {
            String word = WORDS[i % WORDS.length];
            int round = i / WORDS.length;
            names.add(round == 0 ? word + ".example" : word + (round + 1) + ".example");
        }
        return List.copyOf(names);
    }

    DomainProfile domain(int index) {
        String name = domainNames.get(index);
        SplittableRandom rnd = Randoms.of(settings.profileSeed(), 1, index);
        long median = Math.max(20, Math.min(500_000,
            Math.round(Randoms.logNormal(rnd, Math.log(DOMAIN_VOLUME_MEDIAN), DOMAIN_VOLUME_SIGMA))));
        List<String> mx = List.of("mx1." + name, "mx2." + name);
        List<String> ips = List.of("203.0.113." + (1 + (index * 2) % 254), "203.0.113." + (1 + (index * 2 + 1) % 254));
        boolean dane = rnd.nextDouble() < 0.3;
        List<String> tlsa = dane
            ? List.of("3 1 1 " + Randoms.hex(rnd, 64, true), "3 1 1 " + Randoms.hex(rnd, 64, true))
            : List.of();
        double notTrusted = rnd.nextBoolean() ? 0 : 0.0005 + rnd.nextDouble() * 0.0035;
        DomainProfile.SmallReporter small =
            DomainProfile.SmallReporter.POOL.get(rnd.nextInt(DomainProfile.SmallReporter.POOL.size()));
        // drawn last, so that the draws before it, and what they made of each domain, stay as they were
        boolean withoutMtaSts = rnd.nextDouble() < WITHOUT_MTA_STS_SHARE && !scenarioDomain(name);
        return new DomainProfile(index, name, median, mx, ips, dane, tlsa, notTrusted, small, !withoutMtaSts);
    }

    /** The incidents need the domain's MTA-STS policy (an expiry and a fetch error are reported under it). */
    private boolean scenarioDomain(String name) {
        return settings.scenarios().stream().anyMatch(s -> s.domain().equals(name));
    }

    LocalDate date(int dayNumber) {
        return settings.startDate().plusDays(dayNumber - 1L);
    }

    /** The policies one sender reports for one domain and day. */
    ReportContent content(DomainProfile d, int dayNumber, Sender sender) {
        SplittableRandom rnd = Randoms.of(settings.seed(), 2, d.index(), dayNumber, sender.ordinal());
        SplittableRandom dayRnd = Randoms.of(settings.seed(), 3, d.index(), dayNumber);
        DayOfWeek dow = date(dayNumber).getDayOfWeek();
        double weekday = dow == DayOfWeek.SATURDAY || dow == DayOfWeek.SUNDAY ? WEEKEND_FACTOR : 1.0;
        double dayVolume = d.medianSessions() * weekday * Randoms.logNormal(dayRnd, 0, DAILY_NOISE_SIGMA);
        long sessions = Math.max(1, Math.round(dayVolume * sender.share() * Randoms.logNormal(rnd, 0, 0.1)));

        boolean downgrade = active(Scenario.Kind.DOWNGRADE, d, dayNumber);
        boolean expired = active(Scenario.Kind.CERTIFICATE_EXPIRY, d, dayNumber);
        boolean fetchError = active(Scenario.Kind.STS_FETCH_ERROR, d, dayNumber);
        String[] prefixes = sender.ipPrefixes(d);

        List<FailureLine> starttls = new ArrayList<>();
        long remaining = sessions;
        if (downgrade) {
            long failed = Math.round(sessions * (0.35 + rnd.nextDouble() * 0.25));
            starttls = spread(rnd, "starttls-not-supported", failed, prefixes, 3 + rnd.nextInt(3), d, null);
            remaining -= failed;
        }

        if (sender == Sender.SMALL && !d.smallReporter().stsAware() && !d.dane()) {
            // Postfix without an MTA-STS resolver: opportunistic TLS, reported without a policy-domain
            return new ReportContent(List.of(new PolicyContent("no-policy-found", null, List.of(), List.of(),
                remaining, starttls)));
        }
        if (sender == Sender.SMALL && d.dane()) {
            // DANE-EE (3 1 1) does not care about expiry or the Web PKI: only a stripped STARTTLS fails
            return new ReportContent(List.of(new PolicyContent("tlsa", d.name(), d.tlsaRecords(), List.of(),
                remaining, starttls)));
        }

        if (!d.mtaSts() || active(Scenario.Kind.STS_WITHDRAWN, d, dayNumber)) {
            return withoutStsPolicy(d, sender, sessions, remaining, starttls);
        }

        List<PolicyContent> policies = new ArrayList<>();
        List<FailureLine> stsFailures = new ArrayList<>(starttls);
        long fetchFailed = 0;
        if (fetchError) {
            fetchFailed = Math.min(remaining, Math.round(sessions * (0.3 + rnd.nextDouble() * 0.5)));
            remaining -= fetchFailed;
        } else if (sender == Sender.MICROSOFT) {
            fetchFailed = Math.min(remaining, Randoms.poisson(rnd, sessions * TRANSIENT_FETCH_ERROR_RATE));
            remaining -= fetchFailed;
        }
        if (expired) {
            long failed = Math.min(remaining, Math.round(remaining * (0.93 + rnd.nextDouble() * 0.06)));
            stsFailures.addAll(spread(rnd, "certificate-expired", failed, prefixes, 2 + rnd.nextInt(3), d,
                sender == Sender.GOOGLE ? null : "X509_V_ERR_CERT_HAS_EXPIRED"));
            remaining -= failed;
        }
        long background = 0;
        if (sender == Sender.SMALL) {
            background = Math.min(remaining, Randoms.poisson(rnd, sessions * d.notTrustedRate()));
            stsFailures.addAll(spread(rnd, "certificate-not-trusted", background, prefixes, 1, d,
                "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY"));
        } else if (sender == Sender.GOOGLE) {
            background = Math.min(remaining, Randoms.poisson(rnd, sessions * VALIDATION_FAILURE_RATE));
            stsFailures.addAll(spread(rnd, "validation-failure", background, prefixes, 1, d, null));
        }
        remaining -= background;

        policies.add(new PolicyContent("sts", d.name(), d.stsPolicyLines(), d.stsMxPatterns(), remaining,
            stsFailures));
        if (fetchFailed > 0) {
            // the policy could not be fetched: the sender reports those sessions under a policy with no strings
            List<FailureLine> fetch = spread(rnd, "sts-policy-fetch-error", fetchFailed, prefixes, 1, d,
                "unable to do http request: Get \"https://mta-sts." + d.name()
                    + "/.well-known/mta-sts.txt\": context deadline exceeded");
            policies.add(new PolicyContent("sts", d.name(), List.of(), List.of(), 0,
                sender == Sender.MICROSOFT ? fetch.stream().map(FailureLine::bare).toList() : fetch));
        }
        if (sender == Sender.MICROSOFT && d.dane()) {
            // Microsoft reports the same sessions again under the TLSA policy; only a stripped STARTTLS fails it
            long starttlsFailed = starttls.stream().mapToLong(FailureLine::count).sum();
            policies.add(new PolicyContent("tlsa", d.name(), d.tlsaRecords(), List.of(),
                sessions - starttlsFailed, starttls));
        }
        return new ReportContent(policies);
    }

    /**
     * A domain without an MTA-STS policy (never published, or withdrawn by a scenario): senders report its sessions
     * under no-policy-found, naming the domain (Postfix without it, as always); Microsoft applies the domain's DANE.
     */
    private static ReportContent withoutStsPolicy(DomainProfile d, Sender sender, long sessions, long remaining,
                                                    List<FailureLine> starttls) {
        if (sender == Sender.MICROSOFT && d.dane()) {
            long starttlsFailed = starttls.stream().mapToLong(FailureLine::count).sum();
            return new ReportContent(List.of(new PolicyContent("tlsa", d.name(), d.tlsaRecords(), List.of(),
                sessions - starttlsFailed, starttls)));
        }
        String domain = sender == Sender.SMALL ? null : d.name();
        return new ReportContent(List.of(new PolicyContent("no-policy-found", domain, List.of(), List.of(), remaining,
            starttls)));
    }

    private boolean active(Scenario.Kind kind, DomainProfile d, int dayNumber) {
        for (Scenario s : settings.scenarios()) {
            if (s.kind() == kind && s.domain().equals(d.name()) && s.activeOn(dayNumber)) {
                return true;
            }
        }
        return false;
    }

    /** Splits {@code total} failed sessions over a few sending IPs and the MX hosts. */
    private static List<FailureLine> spread(SplittableRandom rnd, String resultType, long total, String[] prefixes,
                                            int ipCount, DomainProfile d, String reasonCode) {
        List<FailureLine> lines = new ArrayList<>();
        if (total <= 0) {
            return lines;
        }
        int parts = (int) Math.min(ipCount, total);
        long left = total;
        for (int i = 0; i < parts; i++) {
            long count = i == parts - 1 ? left : Math.max(1, Math.min(left - (parts - 1 - i),
                Math.round(left * (0.3 + rnd.nextDouble() * 0.4))));
            left -= count;
            String ip = prefixes[rnd.nextInt(prefixes.length)] + "." + (1 + rnd.nextInt(254));
            int mx = rnd.nextInt(d.mxHosts().size());
            lines.add(new FailureLine(resultType, ip, d.mxHosts().get(mx), d.mxIps().get(mx), count, reasonCode));
        }
        return lines;
    }
}
