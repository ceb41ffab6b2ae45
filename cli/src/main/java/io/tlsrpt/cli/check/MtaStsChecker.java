package io.tlsrpt.cli.check;

import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Type;

/** Checks a domain's MTA-STS (RFC 8461): the _mta-sts TXT record, the policy over HTTPS, and its MX coverage. */
public final class MtaStsChecker {

    private final DnsClient dns;
    private final MtaStsPolicyFetcher fetcher;

    public MtaStsChecker(DnsClient dns, MtaStsPolicyFetcher fetcher) {
        this.dns = dns;
        this.fetcher = fetcher;
    }

    public MtaStsCheck check(String domain, MxHosts mx) {
        String name = "_mta-sts." + domain;
        String url = "https://mta-sts." + domain + "/.well-known/mta-sts.txt";
        Findings f = new Findings();
        DnsAnswer answer = dns.query(name, Type.TXT);
        if (!answer.outcome().answered()) {
            f.error("dns-error", "DNS failure looking up " + name + " TXT: " + answer.detail()
                + " (not the same as no record: the answer is unknown)");
            return result("dns-error", List.of(), null, url, null, null, List.of(), f,
                "Senders that cannot resolve the record cannot tell whether the domain uses MTA-STS; they deliver "
                    + "without it, and reports (if any) show no-policy-found or sts-policy-fetch-error.");
        }
        List<TxtRecords> records = TxtRecords.of(answer.records());
        List<TxtRecords> candidates = records.stream().filter(r -> MtaStsTxtParser.isCandidate(r.text())).toList();
        if (candidates.isEmpty()) {
            return result("missing", records, null, url, null, null, List.of(), f, "No MTA-STS: senders without "
                + "DANE deliver with opportunistic TLS; their reports show policy-type no-policy-found. To publish "
                + "MTA-STS: serve a policy at " + url + " and add " + name + ". IN TXT \"v=STSv1; id=20240101\".");
        }
        if (candidates.size() > 1) {
            f.error("sts-txt-multiple", candidates.size() + " TXT records at " + name + " begin with v=STSv1: senders "
                + "require exactly one and otherwise apply no policy; keep one");
            return result("invalid", records, null, url, null, null, List.of(), f, invalidMeaning());
        }
        String id = MtaStsTxtParser.parse(candidates.get(0).text(), f);
        if (id == null) {
            return result("invalid", records, null, url, null, null, List.of(), f, invalidMeaning());
        }
        MtaStsPolicyFetcher.Result fetched = fetcher.fetch(domain);
        if (fetched.kind() != MtaStsPolicyFetcher.Kind.OK && fetched.body() == null) {
            f.error("sts-fetch", "fetching the policy from " + url + " failed: " + fetched.detail());
            return result("fetch-error", records, id, url, null, null, List.of(), f, fetched.kind(),
                "Senders that find the _mta-sts "
                + "record but cannot fetch the policy deliver without MTA-STS (unless they cached a policy) and report "
                + "the failure as " + fetched.kind().resultType() + ".");
        }
        if (fetched.kind() != MtaStsPolicyFetcher.Kind.OK) {
            f.error("sts-fetch", "the policy at " + url + " is not usable: " + fetched.detail());
        }
        MtaStsPolicy policy = MtaStsPolicyParser.parse(fetched.body(), f);
        List<MtaStsCheck.MxCoverage> coverage = new ArrayList<>();
        if (!mx.nullMx()) {
            for (String host : mx.hosts()) {
                String covering = policy.mx().stream().filter(p -> MtaStsPolicyParser.matches(p, host)).findFirst().orElse(null);
                coverage.add(new MtaStsCheck.MxCoverage(host, covering));
            }
        }
        if (f.hasErrors()) {
            return result("invalid", records, id, url, fetched.body(), policy, coverage, f,
                fetched.kind() == MtaStsPolicyFetcher.Kind.OK ? MtaStsPolicyFetcher.Kind.CONTENT : fetched.kind(),
                "Senders treat an invalid "
                + "policy as no policy and report sts-policy-invalid; mail is delivered with opportunistic TLS.");
        }
        for (MtaStsCheck.MxCoverage c : coverage) {
            if (c.pattern() == null && !"none".equals(policy.mode())) {
                String msg = "MX host " + c.host() + " is not covered by any mx: pattern of the policy (" + policy.mx()
                    + "): add 'mx: " + c.host() + "' (or a '*.' pattern one label above it)";
                if ("enforce".equals(policy.mode())) {
                    f.error("sts-mx-not-covered", msg + "; in enforce mode senders will not deliver to it");
                } else {
                    f.warning("sts-mx-not-covered", msg + "; in testing mode senders deliver anyway but report a failure");
                }
            }
        }
        if ("testing".equals(policy.mode())) {
            f.warning("sts-testing", "mode: testing: senders deliver even when TLS or the MX check fails and only "
                + "report it; switch to mode: enforce once the reports are clean");
        }
        return result(policy.mode(), records, id, url, fetched.body(), policy, coverage, f, meaning(policy.mode()));
    }

    private static String invalidMeaning() {
        return "Senders treat an invalid _mta-sts record as no MTA-STS: reports show no-policy-found.";
    }

    private static String meaning(String mode) {
        return switch (mode) {
            case "enforce" -> "MTA-STS enforce: senders that support MTA-STS deliver only over TLS with a certificate "
                + "valid for an MX host the policy lists, and defer the mail otherwise. Reports show policy-type sts; "
                + "failures appear as certificate-host-mismatch, certificate-expired, certificate-not-trusted, "
                + "starttls-not-supported, validation-failure, or sts-policy-fetch-error / sts-policy-invalid / "
                + "sts-webpki-invalid when the policy cannot be used.";
            case "testing" -> "MTA-STS testing: senders check TLS like in enforce mode but deliver anyway; the "
                + "reports (policy-type sts) are the only place where failures show up.";
            default -> "MTA-STS mode none: senders apply no policy (this mode withdraws a policy); reports show "
                + "policy-type no-policy-found or sts with no enforcement.";
        };
    }

    private static MtaStsCheck result(String status, List<TxtRecords> records, String id, String url, String text,
                                      MtaStsPolicy policy, List<MtaStsCheck.MxCoverage> coverage, Findings f,
                                      String meaning) {
        return result(status, records, id, url, text, policy, coverage, f, MtaStsPolicyFetcher.Kind.OK, meaning);
    }

    private static MtaStsCheck result(String status, List<TxtRecords> records, String id, String url, String text,
                                      MtaStsPolicy policy, List<MtaStsCheck.MxCoverage> coverage, Findings f,
                                      MtaStsPolicyFetcher.Kind fetched, String meaning) {
        return new MtaStsCheck(status, records, id, url, text, policy, coverage, f.errors(), f.warnings(), meaning,
            fetched.resultType(), fetched == MtaStsPolicyFetcher.Kind.NETWORK);
    }
}
