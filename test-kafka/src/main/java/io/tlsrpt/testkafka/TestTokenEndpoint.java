package io.tlsrpt.testkafka;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A real OAuth 2.0 identity provider's endpoints for tests: HTTPS on 127.0.0.1 with a certificate of a test authority;
 * the token endpoint answers each POSTed form with what the test's function says (every request kept), the key set
 * endpoint what the test last gave it.
 */
public final class TestTokenEndpoint implements AutoCloseable {

    /** One request: its form fields and its Authorization header (null without one). */
    public record Request(Map<String, String> form, String authorization, String contentType) {
    }

    /** One answer: status and JSON body. */
    public record Answer(int status, String json) {
    }

    private final HttpsServer server;
    private final Path caFile;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicReference<String> jwks = new AtomicReference<>();
    private KeyPair signingKey;
    private final AtomicInteger jwksRequests = new AtomicInteger();
    private final AtomicReference<CompletableFuture<?>> keySetHeld =
            new AtomicReference<>(CompletableFuture.completedFuture(null));

    public TestTokenEndpoint(Path dir, Function<Request, Answer> answers) throws Exception {
        TestCertificateAuthority authority = new TestCertificateAuthority(dir);
        this.caFile = authority.caCertificate();
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext(authority.keystore("login.example", true))));
        server.createContext("/tenant/oauth2/v2.0/token", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> form = body.isEmpty() ? Map.of() : Arrays.stream(body.split("&"))
                    .map(field -> field.split("=", 2))
                    .collect(Collectors.toMap(f -> decode(f[0]), f -> f.length > 1 ? decode(f[1]) : ""));
            Request request = new Request(form, exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Content-Type"));
            requests.add(request);
            Answer answer = "POST".equals(exchange.getRequestMethod()) ? answers.apply(request)
                    : new Answer(405, "{\"error\":\"invalid_request\"}");
            byte[] json = answer.json().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), json.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(json);
            }
        });
        server.createContext("/tenant/discovery/v2.0/keys", exchange -> {
            jwksRequests.incrementAndGet();
            try {
                keySetHeld.get().get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // answered anyway: a test that held the set and never let go fails on its own assertions
            }
            String set = jwks.get();
            byte[] json = (set == null ? ownKeySet() : set).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, json.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(json);
            }
        });
        server.start();
    }

    /**
     * A slow provider: requests for the key set are answered only once {@code until} completes (30 s at most); the
     * server answers nothing else meanwhile.
     */
    public void holdKeySet(CompletableFuture<?> until) {
        keySetHeld.set(until);
    }

    /** The identity provider's signing keys (a JSON Web Key Set) its {@link #jwksUri()} answers from now on. */
    public void jwks(String json) {
        jwks.set(json);
    }

    /** Where the identity provider publishes its signing keys, as Entra ID's and Keycloak's discovery documents say. */
    public URI jwksUri() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/tenant/discovery/v2.0/keys");
    }

    /**
     * An access token as the provider issues them: {@code claims} (a JSON object's members, without braces) signed
     * RS256 by the provider's own key ({@code kid} "k1"), which its key set publishes unless the test gave another.
     */
    public synchronized String jwt(String claims) throws Exception {
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        String signed = url.encodeToString("{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"k1\"}"
                .getBytes(StandardCharsets.UTF_8)) + "." + url.encodeToString(("{" + claims + "}")
                .getBytes(StandardCharsets.UTF_8));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(signingKey().getPrivate());
        rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
        return signed + "." + url.encodeToString(rsa.sign());
    }

    private synchronized KeyPair signingKey() throws Exception {
        if (signingKey == null) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            signingKey = generator.generateKeyPair();
        }
        return signingKey;
    }

    private String ownKeySet() {
        try {
            return keySet((RSAPublicKey) signingKey().getPublic());
        } catch (Exception e) {
            throw new IllegalStateException("no RSA key pair", e);
        }
    }

    /** A JSON Web Key Set of these RSA signing keys, with {@code kid} k1, k2, ... in their order. */
    public static String keySet(RSAPublicKey... keys) {
        StringBuilder json = new StringBuilder("{\"keys\":[");
        for (int i = 0; i < keys.length; i++) {
            json.append(i == 0 ? "" : ",").append("{\"kty\":\"RSA\",\"use\":\"sig\",\"kid\":\"k").append(i + 1)
                    .append("\",\"n\":\"").append(unsigned(keys[i].getModulus())).append("\",\"e\":\"")
                    .append(unsigned(keys[i].getPublicExponent())).append("\"}");
        }
        return json.append("]}").toString();
    }

    private static String unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes[0] == 0) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** How often the key set was asked for. */
    public int jwksRequests() {
        return jwksRequests.get();
    }

    /** The endpoint's URL (by address: the certificate names 127.0.0.1 and localhost). */
    public URI uri() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/tenant/oauth2/v2.0/token");
    }

    /** The PEM certificate of the authority that signed the endpoint's certificate. */
    public Path caFile() {
        return caFile;
    }

    public List<Request> requests() {
        return requests;
    }

    /** A token answer: {@code access_token}, {@code expires_in} seconds, Bearer. */
    public static Answer bearer(String token, long expiresIn) {
        return new Answer(200, "{\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn + ",\"ext_expires_in\":"
                + expiresIn + ",\"access_token\":\"" + token + "\"}");
    }

    private static SSLContext serverContext(Path keystore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, TestCertificateAuthority.KEYSTORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, TestCertificateAuthority.KEYSTORE_PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
