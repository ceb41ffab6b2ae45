package io.tlsrpt.testkafka;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A real OAuth 2.0 token endpoint for tests: HTTPS on 127.0.0.1 with a certificate of a test authority, answering
 * each POSTed form with what the test's function says; every request is kept.
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
        server.start();
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
