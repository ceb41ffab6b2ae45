package io.tlsrpt.connect.dkim;

import io.tlsrpt.connect.IngestMetrics;
import io.tlsrpt.connect.TlsRptSourceConfig;
import io.tlsrpt.connect.dns.ResolverAddress;
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
        return new DkimCheck(DkimVerifier.withDns(DnsDkimKeys.at(ResolverAddress.parse(server), timeout)));
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
        if (verifier == null || (onlyIfSigned && !MailMessage.hasSignatureField(payload))) {
            return null;
        }
        DkimResult result = verifier.verify(payload);
        metrics.dkim(source, result.status().code());
        if (result.status() != DkimResult.Status.PASS) {
            LOG.info("{} {}: DKIM {}", source, origin, result.header());
        }
        return result.header();
    }
}
