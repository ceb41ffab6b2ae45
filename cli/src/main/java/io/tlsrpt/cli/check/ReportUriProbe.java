package io.tlsrpt.cli.check;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Type;

/**
 * Whether a report submitter could deliver to one {@code rua} URI of a TLS-RPT record (RFC 8460 section 3): for
 * {@code mailto:} the mail domain takes mail (MX records, or an address for an implicit MX, and no null MX); for
 * {@code https:} the host exists and answers HTTPS with a certificate valid for it. A valid record whose every
 * destination is dead loses every report as surely as a missing record, and only the silence of the reports shows
 * it, days later. The probe sends a HEAD request, not a report: any HTTP answer counts as reachable. A lookup that
 * fails, a timeout or a connection that goes nowhere tells nothing about the destination ({@link Outcome#UNKNOWN}).
 * Each URI is probed once per instance: one instance per watch round, shared by its domains (a provider's domains
 * usually report to one address).
 */
public final class ReportUriProbe {

    /** What the probe of one URI found. */
    public enum Outcome {
        REACHABLE("reachable"), UNREACHABLE("unreachable"), UNKNOWN("unknown");

        private final String code;

        Outcome(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        public static Outcome of(String code) {
            for (Outcome o : values()) {
                if (o.code.equals(code)) {
                    return o;
                }
            }
            throw new IllegalArgumentException("not a rua probe outcome: " + code);
        }
    }

    /** @param detail what was found, one phrase */
    public record Result(String uri, Outcome outcome, String detail) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(ReportUriProbe.class);

    private final DnsClient dns;
    private final HttpClient client;
    private final Duration timeout;
    private final boolean allowPrivate;
    /** Each URI's probe: the first caller runs it, outside the map's locks; the others wait for its result. */
    private final Map<String, java.util.concurrent.CompletableFuture<Result>> probed = new ConcurrentHashMap<>();

    /**
     * @param sslContext the trust a submitter validates the endpoint's certificate with (the JDK's for the Web PKI)
     * @param proxy where HTTPS connections go (null: the JVM's default)
     * @param allowPrivate connect to endpoints at loopback, private and link-local addresses too (see
     *                     {@link PrivateAddresses}); otherwise such an endpoint is unknown
     */
    public ReportUriProbe(DnsClient dns, SSLContext sslContext, ProxySelector proxy, Duration timeout,
                          boolean allowPrivate) {
        this(dns, client(sslContext, proxy, timeout), timeout, allowPrivate);
    }

    private ReportUriProbe(DnsClient dns, HttpClient client, Duration timeout, boolean allowPrivate) {
        this.dns = dns;
        this.client = client;
        this.timeout = timeout;
        this.allowPrivate = allowPrivate;
    }

    private static HttpClient client(SSLContext sslContext, ProxySelector proxy, Duration timeout) {
        HttpClient.Builder b = HttpClient.newBuilder().sslContext(sslContext)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout);
        if (proxy != null) {
            b.proxy(proxy);
        }
        return b.build();
    }

    /** The same probe with its own memory of URIs: one per round, so that each round looks again. */
    public ReportUriProbe fresh() {
        return new ReportUriProbe(dns, client, timeout, allowPrivate);
    }

    /** The URIs' results, in order. */
    public List<Result> probe(List<String> uris) {
        return uris.stream().map(this::probedOnce).toList();
    }

    private Result probedOnce(String uri) {
        java.util.concurrent.CompletableFuture<Result> mine = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<Result> first = probed.putIfAbsent(uri, mine);
        if (first != null) {
            return first.join();
        }
        try {
            Result result = probeOnce(uri);
            mine.complete(result);
            return result;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        }
    }

    private Result probeOnce(String uri) {
        String lower = uri.toLowerCase(Locale.ROOT);
        if (lower.startsWith("mailto:")) {
            return mailto(uri);
        }
        if (lower.startsWith("https:")) {
            return https(uri);
        }
        return new Result(uri, Outcome.UNREACHABLE, "not a mailto: or https: URI");
    }

    private Result mailto(String uri) {
        String address = URLDecoder.decode(uri.substring("mailto:".length()).split("\\?", 2)[0],
            StandardCharsets.UTF_8);
        int at = address.lastIndexOf('@');
        if (at < 0 || at == address.length() - 1) {
            return new Result(uri, Outcome.UNREACHABLE, "no mail domain in the address");
        }
        String domain = address.substring(at + 1).toLowerCase(Locale.ROOT);
        MxHosts mx = MxHosts.lookup(dns, domain);
        if (mx.answer().outcome() == DnsAnswer.Outcome.NXDOMAIN) {
            return new Result(uri, Outcome.UNREACHABLE, "the mail domain " + domain + " does not exist (NXDOMAIN)");
        }
        if (!mx.answer().outcome().answered()) {
            return new Result(uri, Outcome.UNKNOWN, "the MX lookup of " + domain + " failed: " + mx.answer().detail());
        }
        if (mx.nullMx()) {
            return new Result(uri, Outcome.UNREACHABLE, domain + " publishes a null MX (MX 0 .): it takes no mail");
        }
        if (!mx.implicit()) {
            return new Result(uri, Outcome.REACHABLE, domain + " MX " + String.join(", ", mx.hosts()));
        }
        return addressed(uri, domain, "no MX record and no address for " + domain + ": mail to it cannot be delivered",
            domain + " has no MX record; its address takes mail (implicit MX)", new java.util.ArrayList<>());
    }

    private Result https(String uri) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            return new Result(uri, Outcome.UNREACHABLE, "not a valid URI: " + e.getMessage());
        }
        String host = parsed.getHost();
        if (host == null) {
            return new Result(uri, Outcome.UNREACHABLE, "no host in the URI");
        }
        boolean literal = host.startsWith("[") || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
        List<InetAddress> addresses = new java.util.ArrayList<>();
        if (literal) {
            try {
                addresses.add(InetAddress.getByName(host));   // a literal: parsed, not looked up
            } catch (java.net.UnknownHostException e) {
                return new Result(uri, Outcome.UNREACHABLE, "not an IP address: " + host);
            }
        } else {
            Result resolved = addressed(uri, host, "the host " + host + " has no address", null, addresses);
            if (resolved.outcome() != Outcome.REACHABLE) {
                return resolved;
            }
        }
        if (!allowPrivate && addresses.stream().allMatch(PrivateAddresses::isPrivate)) {
            return new Result(uri, Outcome.UNKNOWN, PrivateAddresses.refusal(String.join(", ",
                addresses.stream().map(InetAddress::getHostAddress).toList())));
        }
        HttpRequest request = HttpRequest.newBuilder(parsed).timeout(timeout)
            .method("HEAD", HttpRequest.BodyPublishers.noBody()).build();
        try {
            HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
            return new Result(uri, Outcome.REACHABLE, "HTTPS answered HTTP " + response.statusCode() + " to HEAD");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(uri, Outcome.UNKNOWN, "interrupted");
        } catch (IOException e) {
            LOG.debug("HEAD {} failed", uri, e);
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof SSLException) {
                    return new Result(uri, Outcome.UNREACHABLE, "TLS failed: " + t.getMessage() + " (submitters "
                        + "require a certificate valid for " + host + ")");
                }
            }
            if (e instanceof ConnectException && !(e instanceof java.net.http.HttpConnectTimeoutException)) {
                return new Result(uri, Outcome.UNREACHABLE, "connection refused: " + e.getMessage());
            }
            return new Result(uri, Outcome.UNKNOWN, e instanceof HttpTimeoutException ? "timed out" : e.toString());
        }
    }

    /**
     * Whether {@code host} has an IPv4 or IPv6 address, which go to {@code addresses}; {@code found} describes a yes
     * (null: "the host resolves").
     */
    private Result addressed(String uri, String host, String none, String found, List<InetAddress> addresses) {
        DnsAnswer a = dns.query(host, Type.A);
        DnsAnswer aaaa = dns.query(host, Type.AAAA);
        for (DnsAnswer answer : List.of(a, aaaa)) {
            answer.records().stream().map(r -> r instanceof org.xbill.DNS.ARecord v4 ? v4.getAddress()
                : r instanceof org.xbill.DNS.AAAARecord v6 ? v6.getAddress() : null).filter(java.util.Objects::nonNull)
                .forEach(addresses::add);
        }
        if (!addresses.isEmpty()) {
            return new Result(uri, Outcome.REACHABLE, found == null ? host + " resolves" : found);
        }
        if (!a.outcome().answered() || !aaaa.outcome().answered()) {
            return new Result(uri, Outcome.UNKNOWN, "the address lookup of " + host + " failed: "
                + (a.outcome().answered() ? aaaa.detail() : a.detail()));
        }
        return new Result(uri, Outcome.UNREACHABLE, a.outcome() == DnsAnswer.Outcome.NXDOMAIN
            ? host + " does not exist (NXDOMAIN)" : none);
    }
}
