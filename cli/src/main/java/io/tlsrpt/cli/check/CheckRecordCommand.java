package io.tlsrpt.cli.check;

import io.tlsrpt.connect.dns.ResolverAddress;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.IDN;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;
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

    private static final java.util.regex.Pattern DOMAIN =
        java.util.regex.Pattern.compile("([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");

    /** 253 minus the longest prefix queried, "_smtp._tls.". */
    private static final int MAX_DOMAIN = 253 - "_smtp._tls.".length();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "DOMAIN", description = "the domain whose _smtp._tls record to check")
    String domain;

    @Option(names = "--record", paramLabel = "TEXT", description = "check this record text instead of looking one up")
    String record;

    @Option(names = "--resolver", paramLabel = "HOST[:PORT]",
        description = "ask this DNS resolver (default: the system's resolvers from /etc/resolv.conf); the MTA-STS "
            + "policy host is resolved by the JVM (system resolver) or the proxy")
    String resolver;

    @Option(names = "--json", description = "print one JSON object instead of text")
    boolean json;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "5",
        description = "DNS and HTTPS timeout in seconds (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--tlsrpt-only", description = "skip the MTA-STS and DANE checks")
    boolean tlsrptOnly;

    @Option(names = "--policy-ca", paramLabel = "PEM",
        description = "trust only the CA certificates in this PEM file when fetching the MTA-STS policy "
            + "(default: the JDK's trusted CAs)")
    Path policyCa;

    @Option(names = "--https-proxy", paramLabel = "HOST:PORT",
        description = "fetch the MTA-STS policy through this HTTP CONNECT proxy (default: the JVM's proxy settings)")
    String httpsProxy;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if ((domain == null) == (record == null)) {
            throw usage("give either a DOMAIN or --record TEXT (one of the two)");
        }
        if (timeoutSeconds < 1 || timeoutSeconds > 120) {
            throw usage("--timeout must be between 1 and 120 seconds");
        }
        if (record != null) {
            if (resolver != null || policyCa != null || httpsProxy != null || tlsrptOnly) {
                throw usage("--record checks a text offline: --resolver, --policy-ca, --https-proxy and --tlsrpt-only "
                    + "apply to a DOMAIN");
            }
            return checkText(out);
        }
        String ascii = normalizeDomain(domain);
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        DnsClient dns = resolver == null ? DnsClient.system(timeout) : DnsClient.at(resolverAddress(), timeout);
        MtaStsPolicyFetcher fetcher = tlsrptOnly ? null : new MtaStsPolicyFetcher(sslContext(), proxy(), timeout);
        DomainCheck result = new DomainChecker(dns, fetcher).check(ascii);
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
        String s = d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
        try {
            s = IDN.toASCII(s, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
            if (s.isEmpty() || s.startsWith("_smtp._tls.")) {
                throw usage("give the domain itself (e.g. example.com), not " + d);
            }
            Name.fromString(s + ".");
            if (s.length() > MAX_DOMAIN || !DOMAIN.matcher(s).matches()) {
                throw usage("'" + d + "' is not a valid domain name: labels are letters, digits and hyphens, "
                    + "separated by single dots, at most " + MAX_DOMAIN + " characters (so that _smtp._tls.DOMAIN fits)");
            }
            return s;
        } catch (IllegalArgumentException | TextParseException e) {
            throw usage("'" + d + "' is not a valid domain name: " + e.getMessage());
        }
    }

    private InetSocketAddress resolverAddress() {
        try {
            InetSocketAddress a = ResolverAddress.parse(resolver);
            if (a.isUnresolved()) {
                throw usage("--resolver: cannot resolve the host '" + a.getHostString() + "'");
            }
            return a;
        } catch (IllegalArgumentException e) {
            throw usage("--resolver " + e.getMessage());
        }
    }

    private SSLContext sslContext() {
        try {
            return policyCa == null ? SSLContext.getDefault() : TrustFromPem.sslContext(policyCa);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no default TLS context", e);
        } catch (IOException | GeneralSecurityException e) {
            throw usage("--policy-ca " + policyCa + ": " + e.getMessage());
        }
    }

    private ProxySelector proxy() {
        if (httpsProxy == null) {
            return ProxySelector.getDefault();
        }
        if (!httpsProxy.matches(".*:[0-9]+")) {
            throw usage("--https-proxy needs HOST:PORT, e.g. 127.0.0.1:3128");
        }
        try {
            return ProxySelector.of(ResolverAddress.parse(httpsProxy));
        } catch (IllegalArgumentException e) {
            throw usage("--https-proxy " + e.getMessage());
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
