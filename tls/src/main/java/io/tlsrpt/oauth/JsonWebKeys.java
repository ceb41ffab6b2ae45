package io.tlsrpt.oauth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;

/**
 * An identity provider's signing keys (RSA and EC) by key id, from its JSON Web Key Set (RFC 7517; Entra ID's and
 * Keycloak's {@code jwks_uri}). Read at the first use, again after an hour, and at once for a key id not known yet (a key the
 * provider just rolled over to), but not more often than every minute; a set that cannot be read leaves the keys read
 * before in force, with a warning. A request whose key is held never waits for a read: the hourly one runs beside it.
 * With {@link #keepReading()} the set is also read at start, hourly and, while reads fail, every minute
 * without waiting for tokens: the first token finds the keys read, and the read metrics say how the provider is now.
 */
public final class JsonWebKeys implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JsonWebKeys.class);
    private static final JsonFactory JSON = new JsonFactory();
    static final Duration REFRESH = Duration.ofHours(1);
    static final Duration MIN_INTERVAL = Duration.ofMinutes(1);
    private static final int MAX_BYTES = 256 * 1024;
    /** RFC 7518 section 6.2.1.1's curve names and the JDK's. */
    private static final Map<String, String> CURVES = Map.of("P-256", "secp256r1", "P-384", "secp384r1",
            "P-521", "secp521r1");

    private final URI uri;
    private final HttpClient http;
    private final Duration timeout;
    private final InstantSource clock;
    private volatile Map<String, Key> keys = Map.of();
    private volatile Instant read;
    private volatile boolean lastReadFailed;
    private final AtomicLong readsSucceeded = new AtomicLong();
    private final AtomicLong readsFailed = new AtomicLong();
    /** When the last read began; guarded by this. */
    private Instant tried;
    /** The read under way, or the last one; guarded by this. */
    private CompletableFuture<Void> reading;
    /** Reads the set without tokens, after {@link #keepReading()}; guarded by this. */
    private ScheduledExecutorService schedule;

    public JsonWebKeys(URI uri, SSLContext tls, Duration timeout, InstantSource clock) {
        this.uri = uri;
        this.timeout = timeout;
        this.clock = clock;
        this.http = HttpClient.newBuilder().sslContext(tls).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** A signing key of the set, and the algorithm its {@code alg} member names (null when it names none). */
    record Key(PublicKey key, String alg) {
    }

    /**
     * The key {@code kid}; null when the set does not hold it. A key not held has the set read again first when
     * allowed (or waits for the read under way); the hourly read of a set whose keys are held runs beside the
     * request, which answers with the keys held: a slow provider delays no request whose key is known.
     */
    Key key(String kid) {
        Instant now = clock.instant();
        Instant lastRead = read;
        boolean stale = lastRead == null || !now.isBefore(lastRead.plus(REFRESH));
        boolean unknown = !keys.containsKey(kid);
        if (stale || unknown) {
            CompletableFuture<Void> underWay = readIfAllowed(now);
            if (unknown && underWay != null) {
                underWay.join();   // never fails (readNow logs what went wrong); within the read's deadline
            }
        }
        return keys.get(kid);
    }

    /**
     * Reads the set now (in the background) and then checks it every minute: read again when the last read failed or
     * is an hour old. Stopped by {@link #close()}.
     */
    public void keepReading() {
        keepReading(MIN_INTERVAL);
    }

    /** {@link #keepReading()}, checking every {@code every} (each read still a minute after the one before at least). */
    synchronized void keepReading(Duration every) {
        if (schedule != null) {
            throw new IllegalStateException("already kept read");
        }
        schedule = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread checker = new Thread(task, "jwks-schedule");
            checker.setDaemon(true);
            return checker;
        });
        schedule.scheduleWithFixedDelay(this::readWhenDue, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void readWhenDue() {
        Instant now = clock.instant();
        Instant lastRead = read;
        if (lastRead == null || lastReadFailed || !now.isBefore(lastRead.plus(REFRESH))) {
            readIfAllowed(now);   // in the background: the reader logs and counts what went wrong
        }
    }

    /** Stops the reads of {@link #keepReading()}; a read under way ends by its deadline. */
    @Override
    public synchronized void close() {
        if (schedule != null) {
            schedule.shutdownNow();
        }
    }

    /** The read under way, or one started now when the last began a minute ago or more; null: not yet allowed. */
    private synchronized CompletableFuture<Void> readIfAllowed(Instant now) {
        if (reading != null && !reading.isDone()) {
            return reading;
        }
        if (tried != null && now.isBefore(tried.plus(MIN_INTERVAL))) {
            return null;
        }
        tried = now;
        reading = CompletableFuture.runAsync(() -> readNow(now), task -> {
            Thread reader = new Thread(task, "jwks-reader");
            reader.setDaemon(true);
            reader.start();
        });
        return reading;
    }

    private void readNow(Instant now) {
        try {
            Map<String, Key> fresh = fetch();
            keys = fresh;
            read = now;
            lastReadFailed = false;
            readsSucceeded.incrementAndGet();
            log.info("{} signing keys read from {}", fresh.size(), uri);
        } catch (IOException | RuntimeException e) {
            lastReadFailed = true;
            readsFailed.incrementAndGet();
            log.warn("The signing keys of {} not read ({}); {} read before stay in force", uri, e.getMessage(),
                    keys.size());
        }
    }

    /** Reads of the set that gave keys. */
    public long readsSucceeded() {
        return readsSucceeded.get();
    }

    /** Reads of the set that failed (unreachable, refused, unreadable, too large or too slow). */
    public long readsFailed() {
        return readsFailed.get();
    }

    /** Whether the latest read failed: the keys in force are older, and a key rolled over to since is not known. */
    public boolean lastReadFailed() {
        return lastReadFailed;
    }

    /** The signing keys held. */
    public int held() {
        return keys.size();
    }

    private Map<String, Key> fetch() throws IOException {
        HttpResponse<byte[]> response = BoundedAnswer.send(http, HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Accept", "application/json").GET().build(), MAX_BYTES, timeout);
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode());
        }
        return signingKeys(response.body());
    }

    /**
     * The signing keys of a key set, by {@code kid}: RSA keys of at least 2,048 bits and EC keys on P-256, P-384 or
     * P-521, each with the algorithm its {@code alg} names, if any; keys for encryption, of other types or curves,
     * too short or malformed are left out (a malformed one with a warning: the set's other keys stay usable).
     */
    static Map<String, Key> signingKeys(byte[] json) throws IOException {
        Map<String, Key> keys = new HashMap<>();
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON Web Key Set");
            }
            for (JsonToken t = parser.nextToken(); t == JsonToken.FIELD_NAME; t = parser.nextToken()) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (!"keys".equals(name) || value != JsonToken.START_ARRAY) {
                    parser.skipChildren();
                    continue;
                }
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    Map<String, String> key = new HashMap<>();
                    for (JsonToken f = parser.nextToken(); f == JsonToken.FIELD_NAME; f = parser.nextToken()) {
                        String field = parser.currentName();
                        JsonToken v = parser.nextToken();
                        if (v == JsonToken.VALUE_STRING) {
                            key.put(field, parser.getText());
                        } else {
                            parser.skipChildren();
                        }
                    }
                    String kid = key.get("kid");
                    if (kid == null || "enc".equals(key.get("use"))) {
                        continue;
                    }
                    try {
                        PublicKey publicKey = publicKey(key);
                        if (publicKey != null) {
                            keys.put(kid, new Key(publicKey, key.get("alg")));
                        }
                    } catch (GeneralSecurityException | IllegalArgumentException e) {
                        log.warn("The key {} of a key set is left out: {}", kid, e.getMessage());
                    }
                }
            }
        }
        return Map.copyOf(keys);
    }

    private static PublicKey publicKey(Map<String, String> jwk) throws GeneralSecurityException {
        Base64.Decoder url = Base64.getUrlDecoder();
        String kty = String.valueOf(jwk.get("kty"));
        if ("RSA".equals(kty) && jwk.containsKey("n") && jwk.containsKey("e")) {
            RSAPublicKey key = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                    new BigInteger(1, url.decode(jwk.get("n"))), new BigInteger(1, url.decode(jwk.get("e")))));
            if (key.getModulus().bitLength() < JwsAlgorithm.MIN_RSA_BITS) {
                throw new GeneralSecurityException("an RSA key of " + key.getModulus().bitLength()
                        + " bits, fewer than " + JwsAlgorithm.MIN_RSA_BITS);
            }
            return key;
        }
        String curve = CURVES.get(String.valueOf(jwk.get("crv")));
        if ("EC".equals(kty) && curve != null && jwk.containsKey("x") && jwk.containsKey("y")) {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec(curve));
            ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
            ECPoint point = new ECPoint(new BigInteger(1, url.decode(jwk.get("x"))),
                    new BigInteger(1, url.decode(jwk.get("y"))));
            if (!onCurve(point, spec)) {
                throw new GeneralSecurityException("an EC point not on " + jwk.get("crv"));
            }
            return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, spec));
        }
        return null;
    }

    /** y^2 = x^3 + ax + b over the curve's prime field: a point off the curve is a forged or broken key. */
    private static boolean onCurve(ECPoint point, ECParameterSpec spec) {
        BigInteger p = ((ECFieldFp) spec.getCurve().getField()).getP();
        BigInteger x = point.getAffineX();
        BigInteger y = point.getAffineY();
        if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
            return false;
        }
        BigInteger right = x.pow(3).add(spec.getCurve().getA().multiply(x)).add(spec.getCurve().getB()).mod(p);
        return y.modPow(BigInteger.TWO, p).equals(right);
    }
}
