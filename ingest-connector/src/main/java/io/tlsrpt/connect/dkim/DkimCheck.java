package io.tlsrpt.connect.dkim;

import io.tlsrpt.connect.IngestMetrics;
import io.tlsrpt.connect.TlsRptSourceConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mail sources' DKIM step ({@code dkim.verify}): the verdict for the raw record's {@code tlsrpt.dkim} header,
 * or null when verification is off. Runs on the source's own thread (the key lookup is a DNS query), never in
 * {@code poll()}.
 */
public final class DkimCheck {

    private static final Logger LOG = LoggerFactory.getLogger(DkimCheck.class);

    /** Verification off: no header. */
    public static final DkimCheck OFF = new DkimCheck(null);

    private final DkimVerifier verifier;

    private DkimCheck(DkimVerifier verifier) {
        this.verifier = verifier;
    }

    public static DkimCheck from(TlsRptSourceConfig config) {
        if (!config.getBoolean(TlsRptSourceConfig.DKIM_VERIFY)) {
            return OFF;
        }
        Duration timeout = Duration.ofMillis(config.getLong(TlsRptSourceConfig.DKIM_DNS_TIMEOUT_MS));
        String server = config.getString(TlsRptSourceConfig.DKIM_DNS_SERVER).trim();
        if (server.isEmpty()) {
            return new DkimCheck(DkimVerifier.withDns(DnsDkimKeys.system(timeout)));
        }
        InetSocketAddress unresolved = serverAddress(server);
        return new DkimCheck(DkimVerifier.withDns(DnsDkimKeys.at(
                new InetSocketAddress(unresolved.getHostString(), unresolved.getPort()), timeout)));
    }

    /** {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}; port 53 by default. */
    public static InetSocketAddress serverAddress(String text) {
        String host = text;
        int port = 53;
        int colon = text.lastIndexOf(':');
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + text + "': missing ']'");
            }
            host = text.substring(1, close);
            if (colon > close) {
                port = Integer.parseInt(text.substring(colon + 1));
            }
        } else if (colon > 0 && colon == text.indexOf(':')) {
            host = text.substring(0, colon);
            port = Integer.parseInt(text.substring(colon + 1));
        }
        if (host.isEmpty() || port < 1 || port > 65_535) {
            throw new IllegalArgumentException("'" + text + "': expected HOST or HOST:PORT");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    public boolean enabled() {
        return verifier != null;
    }

    /** The verdict on a mail, or null when verification is off. */
    public DkimResult verify(byte[] mail) {
        return verifier == null ? null : verifier.verify(mail);
    }

    /**
     * The verdict on a payload of {@code source} as the tlsrpt.dkim header, counted and (unless a pass) logged with
     * {@code origin}; null when verification is off, or when {@code onlyIfSigned} and the payload carries no
     * DKIM-Signature (a spool file not named as a mail: a JSON report, or an unsigned file whose verdict says nothing).
     */
    public String header(byte[] payload, String source, String origin, IngestMetrics metrics, boolean onlyIfSigned) {
        DkimResult result = verify(payload);
        if (result == null || (onlyIfSigned && result.status() == DkimResult.Status.NONE)) {
            return null;
        }
        metrics.dkim(source, result.status().code());
        if (result.status() != DkimResult.Status.PASS) {
            LOG.info("{} {}: DKIM {}", source, origin, result.header());
        }
        return result.header();
    }
}
