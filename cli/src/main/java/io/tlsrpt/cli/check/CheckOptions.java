package io.tlsrpt.cli.check;

import io.tlsrpt.connect.dns.ResolverAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * How a command asks DNS and fetches MTA-STS policies ({@code @Mixin} of {@code check-record} and {@code watch}):
 * the resolver, the timeout, the CAs trusted for the policy servers and the proxy to reach them.
 */
public final class CheckOptions {

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    @Option(names = "--resolver", paramLabel = "HOST[:PORT]",
        description = "ask this DNS resolver (default: the system's resolvers from /etc/resolv.conf); the MTA-STS "
            + "policy host is resolved by the JVM (system resolver) or the proxy")
    String resolver;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "5",
        description = "DNS and HTTPS timeout in seconds (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--policy-ca", paramLabel = "PEM",
        description = "trust only the CA certificates in this PEM file for the MTA-STS policy server, the rua HTTPS "
            + "endpoints and, with --probe-mx, the MX hosts' certificates (default: the JDK's trusted CAs)")
    Path policyCa;

    @Option(names = "--https-proxy", paramLabel = "HOST:PORT",
        description = "fetch the MTA-STS policy (and reach the rua HTTPS endpoints) through this HTTP CONNECT proxy "
            + "(default: the JVM's proxy settings)")
    String httpsProxy;

    @Option(names = "--no-rua-check",
        description = "do not check that the TLS-RPT record's rua destinations take reports (by default: a mailto: "
            + "domain must take mail, an https: endpoint must answer HTTPS with a valid certificate; a HEAD request, "
            + "no report is sent)")
    boolean noRuaCheck;

    @Option(names = "--allow-private-addresses",
        description = "let the MX probes and the rua checks connect to loopback, private and link-local addresses "
            + "(default: not: the records they follow are the watched domains', and such an address is reported as "
            + "not probed, unknown)")
    boolean allowPrivateAddresses;

    /** Whether any option that only applies to a lookup was given. */
    boolean anyLookupOption() {
        return resolver != null || policyCa != null || httpsProxy != null || noRuaCheck || allowPrivateAddresses;
    }

    /** @throws CommandLine.ParameterException when the timeout is out of range */
    public Duration timeout() {
        if (timeoutSeconds < 1 || timeoutSeconds > 120) {
            throw usage("--timeout must be between 1 and 120 seconds");
        }
        return Duration.ofSeconds(timeoutSeconds);
    }

    public DnsClient dnsClient() {
        return resolver == null ? DnsClient.system(timeout()) : DnsClient.at(resolverAddress(), timeout());
    }

    /** The probe of the rua destinations, or null with {@code --no-rua-check}. */
    public ReportUriProbe ruaProbe() {
        return noRuaCheck ? null
            : new ReportUriProbe(dnsClient(), sslContext(), proxy(), timeout(), allowPrivateAddresses);
    }

    public MtaStsPolicyFetcher policyFetcher() {
        return new MtaStsPolicyFetcher(sslContext(), proxy(), timeout());
    }

    /**
     * A probe of MX hosts on this port, trusting what the policy fetch trusts (--policy-ca, else the JDK's CAs), the
     * hosts resolved by the same resolver as every other lookup.
     */
    public SmtpTlsProbe mxProbe(int port, String heloName, boolean ipv6) {
        javax.net.ssl.X509TrustManager trust;
        try {
            trust = policyCa == null ? null : TrustFromPem.trustManager(policyCa);
        } catch (IOException | GeneralSecurityException e) {
            throw usage("--policy-ca " + policyCa + ": " + e.getMessage());
        }
        return new SmtpTlsProbe(dnsClient(), port, timeout(), trust, heloName, ipv6, allowPrivateAddresses);
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
        return new CommandLine.ParameterException(mixee.commandLine(), message);
    }
}
