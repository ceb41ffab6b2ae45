package io.tlsrpt.cli.check;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Type;

/**
 * Connects to an MX host as a sending MTA would (SMTP, EHLO, STARTTLS, a TLS handshake naming the host) and reports
 * what a sender would find: whether STARTTLS is offered, the certificate's expiry, whether it chains to a trusted CA
 * and names the host (what MTA-STS senders require; RFC 8461 section 4.2), and how it compares with the host's TLSA
 * records (what DANE senders require; {@link TlsaMatcher}), at each of the host's addresses. The certificate is taken
 * whatever it is and judged afterwards, so that an expired or untrusted one is described rather than only refused.
 * Port 25 is often closed to outgoing connections: an MX that cannot be reached is {@link Outcome#UNREACHABLE}, not
 * a finding; nor is a private address connected to unless allowed ({@link PrivateAddresses}).
 */
public final class SmtpTlsProbe {

    /** What the probe of one MX host found. */
    public enum Outcome {
        /** STARTTLS and a TLS handshake: the certificate fields are set. */
        TLS("tls"),
        /** The server answered EHLO without offering STARTTLS. */
        NO_STARTTLS("no-starttls"),
        /** STARTTLS was offered but refused, or the TLS handshake failed. */
        TLS_FAILED("tls-failed"),
        /** No SMTP answer: no address, connection refused or timed out, a greeting other than 220. */
        UNREACHABLE("unreachable");

        private final String code;

        Outcome(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /**
     * @param address the address probed (null when the host has none)
     * @param notAfter the certificate's expiry (null unless {@link Outcome#TLS})
     * @param trusted it chains to a trusted CA (expiry aside)
     * @param nameMatches its subjectAltName DNS names cover the host (RFC 6125 wildcards in the left-most label)
     * @param dane the chain against the host's TLSA records (null: no TLSA records, or no TLS handshake)
     */
    public record Result(String host, String address, Outcome outcome, Instant notAfter, boolean trusted,
                         boolean nameMatches, String detail, DaneMatch dane) {

        /** The same result for the host as spelled {@code name} (DNS names compare without case). */
        Result named(String name) {
            return new Result(name, address, outcome, notAfter, trusted, nameMatches, detail, dane);
        }

        /** The host, and its address when it has one: "mx.example.org at 192.0.2.1". */
        public String where() {
            return address == null ? host : host + " at " + address;
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SmtpTlsProbe.class);
    private static final int MAX_LINES = 100;
    /** The addresses probed per MX host at most: a round stays bounded whatever a zone publishes. */
    static final int MAX_ADDRESSES = 8;

    private final DnsClient dns;
    private final int port;
    private final Duration timeout;
    private final X509TrustManager trust;
    private final String heloName;
    private final boolean ipv6;
    private final boolean allowPrivate;
    /** What each host was found to be this round, by host and TLSA records (see {@link #fresh}). */
    private final ConcurrentHashMap<String, CompletableFuture<List<Result>>> probed = new ConcurrentHashMap<>();

    /**
     * @param trust the CAs a sender would trust (null: the JDK's)
     * @param heloName the name to introduce this client with in EHLO
     * @param ipv6 probe the hosts' IPv6 addresses (AAAA) too, not only their IPv4 ones (A)
     * @param allowPrivate connect to loopback, private and link-local addresses too (see {@link PrivateAddresses})
     */
    public SmtpTlsProbe(DnsClient dns, int port, Duration timeout, X509TrustManager trust, String heloName,
                        boolean ipv6, boolean allowPrivate) {
        this.dns = dns;
        this.port = port;
        this.timeout = timeout;
        this.trust = trust == null ? jdkTrust() : trust;
        this.heloName = heloName;
        this.ipv6 = ipv6;
        this.allowPrivate = allowPrivate;
    }

    /**
     * The same probe with its own memory of hosts: each host (with the same TLSA records) is probed once per round,
     * however many watched domains name it as their MX. A provider's MX host shared by thousands of customer domains
     * would otherwise get thousands of connections a round, which its rate limits could answer with refusals the
     * watch would take for a broken STARTTLS.
     */
    public SmtpTlsProbe fresh() {
        return new SmtpTlsProbe(dns, port, timeout, trust, heloName, ipv6, allowPrivate);
    }

    /** The JDK's default trust store, as a trust manager. */
    static X509TrustManager jdkTrust() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("the JDK has no X.509 trust manager");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's trust store cannot be read", e);
        }
    }

    public List<Result> probe(String host) {
        return probe(host, List.of());
    }

    /**
     * Probes each address of the host (its A records, with IPv6 its AAAA records too, at most
     * {@value #MAX_ADDRESSES}): senders pick any of them, so one backend with a stale certificate fails some mail.
     *
     * A host already probed by this probe (names compared without case) with the same TLSA records is not probed
     * again: its results are returned (see {@link #fresh}).
     *
     * @param tlsa the host's TLSA records in presentation form ("3 1 1 ..."), to judge the presented chain against
     *             as a DANE sender would; empty for none
     */
    public List<Result> probe(String host, List<String> tlsa) {
        CompletableFuture<List<Result>> mine = new CompletableFuture<>();
        CompletableFuture<List<Result>> first = probed.putIfAbsent(
            host.toLowerCase(Locale.ROOT) + " " + tlsa, mine);
        if (first != null) {   // probed this round, or being probed for another domain's check
            try {
                // as this domain's MX record spells the host: its posture does not change with which domain's
                // check came first
                return first.join().stream().map(r -> r.host().equals(host) ? r : r.named(host)).toList();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }
        try {
            List<Result> results = probeAddresses(host, tlsa);
            mine.complete(results);
            return results;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);   // else the other domains naming the host would wait for it for good
            throw e;
        }
    }

    private List<Result> probeAddresses(String host, List<String> tlsa) {
        List<InetAddress> addresses = new java.util.ArrayList<>();
        List<String> lookups = new java.util.ArrayList<>();
        for (int type : ipv6 ? new int[] {Type.A, Type.AAAA} : new int[] {Type.A}) {
            DnsAnswer answer = dns.query(host, type);
            lookups.add(Type.string(type) + " " + answer.outcome());
            answer.records().stream().map(SmtpTlsProbe::address).filter(java.util.Objects::nonNull)
                .forEach(addresses::add);
        }
        if (addresses.isEmpty()) {
            return List.of(unreachable(host, null, "no " + (ipv6 ? "address" : "IPv4 address") + " for " + host
                + " (" + String.join(", ", lookups) + ")"));
        }
        if (addresses.size() > MAX_ADDRESSES) {
            LOG.info("{} has {} addresses: probing the first {}", host, addresses.size(), MAX_ADDRESSES);
        }
        return addresses.stream().limit(MAX_ADDRESSES).map(a -> probe(host, a, tlsa)).toList();
    }

    private static InetAddress address(org.xbill.DNS.Record r) {
        return r instanceof ARecord a ? a.getAddress() : r instanceof AAAARecord aaaa ? aaaa.getAddress() : null;
    }

    private Result probe(String host, InetAddress address, List<String> tlsa) {
        String at = address.getHostAddress();
        if (!allowPrivate && PrivateAddresses.isPrivate(address)) {
            return unreachable(host, at, PrivateAddresses.refusal(at));
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            List<String> greeting = reply(in);
            if (!code(greeting).equals("220")) {
                return unreachable(host, at, "greeting " + String.join(" / ", greeting));
            }
            send(out, "EHLO " + heloName);
            List<String> ehlo = reply(in);
            if (!code(ehlo).equals("250")) {
                return failed(host, at, Outcome.NO_STARTTLS, "EHLO answered " + ehlo.get(0));
            }
            boolean offered = ehlo.stream().map(l -> l.length() > 4 ? l.substring(4).trim().toUpperCase(Locale.ROOT)
                : "").anyMatch(k -> k.equals("STARTTLS"));
            if (!offered) {
                send(out, "QUIT");
                return failed(host, at, Outcome.NO_STARTTLS, "EHLO lists no STARTTLS");
            }
            send(out, "STARTTLS");
            List<String> ready = reply(in);
            if (!code(ready).equals("220")) {
                return failed(host, at, Outcome.TLS_FAILED, "STARTTLS answered " + ready.get(0));
            }
            return handshake(host, at, socket, tlsa);
        } catch (SSLException e) {
            return failed(host, at, Outcome.TLS_FAILED, "TLS handshake failed: " + e.getMessage());
        } catch (IOException e) {
            return unreachable(host, at, (address instanceof java.net.Inet6Address ? "[" + at + "]" : at) + ":" + port
                + ": " + e.getMessage());
        }
    }

    private Result handshake(String host, String at, Socket plain, List<String> tlsa) throws IOException {
        X509Certificate[][] seen = new X509Certificate[1][];
        SSLContext tls;
        try {
            tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {new CapturingTrustManager(seen)}, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no TLS", e);
        }
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, false)) {
            SSLParameters params = socket.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName(host)));
            socket.setSSLParameters(params);
            socket.startHandshake();
            X509Certificate[] chain = seen[0];
            if (chain == null || chain.length == 0) {
                return failed(host, at, Outcome.TLS_FAILED, "no certificate presented");
            }
            X509Certificate leaf = chain[0];
            String problem = null;
            boolean trusted;
            try {
                trust.checkServerTrusted(chain, "UNKNOWN");
                trusted = true;
            } catch (CertificateException e) {
                // an expired certificate fails here too: expiry is judged from notAfter; trust apart from it
                trusted = isOnlyExpiry(e);
                problem = e.getMessage();
            }
            boolean matches = nameMatches(leaf, host);
            try {
                socket.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                LOG.debug("QUIT to {} not sent (the server may close first; the probe is done)", host, e);
            }
            return new Result(host, at, Outcome.TLS, leaf.getNotAfter().toInstant(), trusted, matches,
                problem == null ? "certificate " + leaf.getSubjectX500Principal().getName() : problem,
                tlsa.isEmpty() ? null : TlsaMatcher.match(tlsa, List.of(chain), host));
        }
    }

    private static boolean isOnlyExpiry(CertificateException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.security.cert.CertificateExpiredException) {
                return true;
            }
            if (t instanceof java.security.cert.CertPathValidatorException v
                && v.getReason() == java.security.cert.CertPathValidatorException.BasicReason.EXPIRED) {
                return true;
            }
        }
        return false;
    }

    /** RFC 6125: a DNS subjectAltName equal to the host, or "*." + the host's parent (one left-most label). */
    static boolean nameMatches(X509Certificate cert, String host) {
        String h = host.toLowerCase(Locale.ROOT);
        try {
            if (cert.getSubjectAlternativeNames() == null) {
                return false;
            }
            for (List<?> san : cert.getSubjectAlternativeNames()) {
                if (Integer.valueOf(2).equals(san.get(0))) {
                    String name = String.valueOf(san.get(1)).toLowerCase(Locale.ROOT);
                    if (name.equals(h) || name.startsWith("*.") && h.indexOf('.') > 0
                        && h.substring(h.indexOf('.') + 1).equals(name.substring(2))) {
                        return true;
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return false;
        }
        return false;
    }

    private static Result unreachable(String host, String address, String why) {
        return failed(host, address, Outcome.UNREACHABLE, why);
    }

    private static Result failed(String host, String address, Outcome outcome, String why) {
        return new Result(host, address, outcome, null, false, false, why, null);
    }

    private static void send(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** One SMTP reply: its lines ("250-..." continue, "250 ..." ends). */
    private static List<String> reply(BufferedReader in) throws IOException {
        List<String> lines = new java.util.ArrayList<>();
        for (int i = 0; i < MAX_LINES; i++) {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("the server closed the connection" + (lines.isEmpty() ? "" : " after " + lines));
            }
            lines.add(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return lines;
            }
        }
        throw new IOException("a reply of more than " + MAX_LINES + " lines");
    }

    private static String code(List<String> reply) {
        String first = reply.get(0);
        return first.length() >= 3 ? first.substring(0, 3) : first;
    }

    /** Accepts any chain and keeps it: the probe judges it afterwards, to say what is wrong with it. */
    private record CapturingTrustManager(X509Certificate[][] seen) implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("a client probe");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            seen[0] = chain.clone();
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
