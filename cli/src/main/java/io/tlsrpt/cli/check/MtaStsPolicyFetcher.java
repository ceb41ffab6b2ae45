package io.tlsrpt.cli.check;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} the way RFC 8461 section 3.3 asks senders to:
 * certificate validated for the host name, no redirects followed, HTTP 200 with {@code text/plain}, a size cap.
 */
public final class MtaStsPolicyFetcher {

    /** Bodies above this are refused: real policies are a few hundred bytes. */
    public static final int MAX_POLICY_BYTES = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(MtaStsPolicyFetcher.class);

    private final HttpClient client;
    private final Duration timeout;

    /**
     * @param sslContext the trust to validate the certificate with (the JDK's default for the real Web PKI)
     * @param proxy where connections go; {@link ProxySelector#getDefault()} honours {@code https.proxyHost}
     */
    public MtaStsPolicyFetcher(SSLContext sslContext, ProxySelector proxy, Duration timeout) {
        HttpClient.Builder b = HttpClient.newBuilder()
            .sslContext(sslContext)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(timeout);
        if (proxy != null) {
            b.proxy(proxy);
        }
        this.client = b.build();
        this.timeout = timeout;
    }

    /** What came back. {@code kind} tells the failure, as the sender's report would. */
    public record Result(String url, Kind kind, int httpStatus, String contentType, String body, String detail) {
    }

    /** Failure kinds, with the report result-type a sender would use. */
    public enum Kind {
        OK(null), TLS("sts-webpki-invalid"), HTTP("sts-policy-fetch-error"), NETWORK("sts-policy-fetch-error"),
        CONTENT("sts-policy-invalid");

        private final String resultType;

        Kind(String resultType) {
            this.resultType = resultType;
        }

        public String resultType() {
            return resultType;
        }
    }

    public Result fetch(String domain) {
        String url = "https://mta-sts." + domain + "/.well-known/mta-sts.txt";
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(url, Kind.NETWORK, 0, null, null, "interrupted");
        } catch (IOException e) {
            LOG.debug("fetching {} failed", url, e);
            return failure(url, e);
        }
        String contentType = response.headers().firstValue("Content-Type").orElse(null);
        try (InputStream in = response.body()) {
            byte[] bytes = in.readNBytes(MAX_POLICY_BYTES + 1);
            int status = response.statusCode();
            if (status >= 300 && status < 400) {
                return new Result(url, Kind.HTTP, status, contentType, null, "HTTP " + status + " redirect to "
                    + response.headers().firstValue("Location").orElse("(no Location)") + ": RFC 8461 forbids "
                    + "following redirects; serve the policy at this URL directly");
            }
            if (status != 200) {
                return new Result(url, Kind.HTTP, status, contentType, null, "HTTP " + status + ": the policy must be "
                    + "served with status 200");
            }
            if (bytes.length > MAX_POLICY_BYTES) {
                return new Result(url, Kind.CONTENT, status, contentType, null, "the policy is larger than "
                    + MAX_POLICY_BYTES + " bytes");
            }
            String body = new String(bytes, StandardCharsets.UTF_8);
            if (contentType == null || !contentType.toLowerCase(Locale.ROOT).split(";")[0].strip().equals("text/plain")) {
                return new Result(url, Kind.CONTENT, status, contentType, body, "Content-Type is "
                    + (contentType == null ? "missing" : "'" + contentType + "'") + ": RFC 8461 requires text/plain");
            }
            return new Result(url, Kind.OK, status, contentType, body, "");
        } catch (IOException e) {
            LOG.debug("reading {} failed", url, e);
            return failure(url, e);
        }
    }

    private static Result failure(String url, IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return new Result(url, Kind.TLS, 0, null, null, "TLS failed: " + t.getMessage() + ". The certificate "
                    + "must be valid for the host mta-sts.<domain> and chain to a public CA");
            }
        }
        String what = e instanceof HttpTimeoutException ? "timed out"
            : e instanceof ConnectException ? "could not connect (" + e + ")" : e.toString();
        return new Result(url, Kind.NETWORK, 0, null, null, what);
    }
}
