package io.tlsrpt.cli.check;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tlsrpt check-record}: validates a domain's TLS-RPT record (and shows its MTA-STS and DANE posture). */
@Command(
    name = "check-record",
    mixinStandardHelpOptions = true,
    description = {
        "Checks the TLS-RPT record of DOMAIN (_smtp._tls.DOMAIN TXT) against RFC 8460 section 3, and shows the "
            + "domain's MTA-STS (RFC 8461) and DANE (TLSA at _25._tcp.<mx>) posture and what it means for the reports.",
        "With --record, checks a record text offline.",
    },
    exitCodeListHeading = "Exit status:%n",
    exitCodeList = {
        "0:the TLS-RPT record is valid",
        "1:the TLS-RPT record is invalid, missing, or there is more than one",
        "2:usage error",
        "3:DNS failure (timeout, SERVFAIL, unreachable resolver) looking up the TLS-RPT record",
    },
    footer = {"", "The MTA-STS and DANE findings are reported but do not change the exit status."})
public final class CheckRecordCommand implements Callable<Integer> {

    /** Exit status: the TLS-RPT record is valid. */
    public static final int EXIT_VALID = 0;
    /** Exit status: the TLS-RPT record is invalid, missing or duplicated. */
    public static final int EXIT_NOT_VALID = 1;
    /** Exit status: the lookup failed (timeout, SERVFAIL). */
    public static final int EXIT_DNS_ERROR = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "DOMAIN", description = "the domain whose _smtp._tls record to check")
    String domain;

    @Option(names = "--record", paramLabel = "TEXT", description = "check this record text instead of looking one up")
    String record;

    @Option(names = "--json", description = "print one JSON object instead of text")
    boolean json;

    @Option(names = "--tlsrpt-only", description = "skip the MTA-STS and DANE checks")
    boolean tlsrptOnly;

    @CommandLine.Mixin
    CheckOptions lookup;

    @CommandLine.Mixin
    MxProbeOptions mxProbe;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if ((domain == null) == (record == null)) {
            throw usage("give either a DOMAIN or --record TEXT (one of the two)");
        }
        lookup.timeout();
        if (record != null) {
            if (lookup.anyLookupOption() || tlsrptOnly || mxProbe.probeMx) {
                throw usage("--record checks a text offline: --resolver, --policy-ca, --https-proxy, --no-rua-check, "
                    + "--tlsrpt-only and --probe-mx apply to a DOMAIN");
            }
            return checkText(out);
        }
        String ascii = normalizeDomain(domain);
        if (tlsrptOnly && mxProbe.probeMx) {
            throw usage("--probe-mx needs the MX hosts, which --tlsrpt-only does not look up");
        }
        DomainCheck result = new DomainChecker(lookup.dnsClient(), tlsrptOnly ? null : lookup.policyFetcher(),
            mxProbe.probe(lookup), lookup.ruaProbe()).check(ascii);
        out.print(json ? CheckJson.write(CheckJson.domain(result)) + "\n" : CheckText.domain(result));
        out.flush();
        return switch (result.tlsrpt().status()) {
            case VALID -> EXIT_VALID;
            case DNS_ERROR -> EXIT_DNS_ERROR;
            default -> EXIT_NOT_VALID;
        };
    }

    private int checkText(PrintWriter out) {
        TlsRptRecordCheck check = TlsRptRecordParser.parse(record);
        List<Finding> extra = new ArrayList<>();
        if (record.length() > TlsRptRecordParser.MAX_TXT_STRING && record.length() <= TlsRptRecordParser.MAX_RECORD_CHARS) {
            extra.add(new Finding("long-record", "the record is " + record.length() + " characters long: one DNS TXT "
                + "string holds at most 255, so publish it as several strings (\"first 255 characters\" \"rest\"), "
                + "which reporters concatenate"));
        }
        out.print(json ? CheckJson.write(CheckJson.record(check, extra)) + "\n" : CheckText.record(check, extra));
        out.flush();
        return check.valid() ? EXIT_VALID : EXIT_NOT_VALID;
    }

    private String normalizeDomain(String d) {
        try {
            return CheckedDomainName.ascii(d);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
