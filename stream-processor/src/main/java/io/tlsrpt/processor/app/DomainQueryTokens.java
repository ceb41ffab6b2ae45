package io.tlsrpt.processor.app;

import com.sun.net.httpserver.HttpExchange;
import io.tlsrpt.net.ClientAddresses;
import io.tlsrpt.oauth.JwtVerifier;
import io.tlsrpt.processor.served.ListFile;
import io.tlsrpt.processor.served.ServedDomains;
import io.tlsrpt.tls.ReloadedFile;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may ask {@code GET /v1/domains/{domain}} and {@code GET /v1/incidents}: the operator's token ({@code http.domains.token.file}) any domain,
 * and each tenant's token ({@code http.domains.tenant.tokens.file}, lines {@code TENANT TOKEN}) only the domains the
 * served-domains list names for that tenant, so that a provider can let each customer ask about its own domains
 * (behind the provider's gateway) and no other's. Without any token anyone who reaches the port may ask.
 *
 * <p>The tenants' file is read again when it changes (looked at no more often than every
 * {@link #RECHECK_INTERVAL}): a customer added or a token rotated applies without a restart; a file that cannot be
 * read or holds a bad line leaves the tokens read before in force, with a warning in the log.
 */
final class DomainQueryTokens {

    /** How often a request may look at the tenants' file for a change. */
    static final Duration RECHECK_INTERVAL = Duration.ofSeconds(5);
    static final int MIN_TOKEN_LENGTH = 16;
    private static final String BEARER = "Bearer ";

    /** What a request's {@code Authorization} header lets it ask. */
    sealed interface Access permits Denied, Everything, OneTenant {
    }

    /** No token, or one of none of the files, or a JWT not taken: why, for the access log. */
    record Denied(String reason) implements Access {
    }

    /** The operator's token, or no token asked for at all. */
    record Everything() implements Access {
    }

    /** A tenant's token: its own domains only. */
    record OneTenant(String tenant) implements Access {
    }

    private final byte[] operator;
    private final FailedTokens failed;
    private final ClientAddresses clients;
    /** "Bearer <token>" -> tenant, as last read; null without a tenants' file. */
    private final ReloadedFile<Map<String, String>> tenants;
    /** An identity provider's access tokens; null when none are taken. */
    private final QueryJwts jwts;

    /**
     * @param operatorToken the operator's token, empty for none
     * @param tenantsFile   the tenants' tokens, empty for none
     * @throws IllegalArgumentException when the tenants' file cannot be read or holds a bad line
     */
    DomainQueryTokens(Optional<String> operatorToken, Optional<Path> tenantsFile, InstantSource clock) {
        this(operatorToken, tenantsFile, Optional.empty(), clock, new FailedTokens(0, 1, 1, System::nanoTime),
                new ClientAddresses(List.of()));
    }

    /**
     * @param jwts    an identity provider's access tokens taken as well, empty for none
     * @param failed  how many wrong tokens each client may give
     * @param clients who a request came from: its peer, or behind trusted proxies the client they forward
     */
    DomainQueryTokens(Optional<String> operatorToken, Optional<Path> tenantsFile, Optional<QueryJwts> jwts,
                      InstantSource clock, FailedTokens failed, ClientAddresses clients) {
        this.jwts = jwts.orElse(null);
        this.failed = failed;
        this.clients = clients;
        this.operator = operatorToken.map(t -> bearer(t).getBytes(StandardCharsets.UTF_8)).orElse(null);
        this.tenants = tenantsFile.map(file -> new ReloadedFile<>(ProcessorConfig.HTTP_DOMAINS_TENANT_TOKENS_FILE,
                file, f -> read(f, operatorToken), read -> "domain query tokens of "
                        + new HashSet<>(read.values()).size() + " tenants", clock, RECHECK_INTERVAL)).orElse(null);
    }

    /** Whether a request must carry a token at all. */
    boolean required() {
        return operator != null || tenants != null || jwts != null;
    }

    /**
     * What the request may ask; null when it may ask nothing, after answering it 401 with the realm to ask with, or
     * 429 when its client gave too many wrong tokens ({@link FailedTokens}; its token then not looked at): the peer,
     * or behind {@code http.trusted.proxies} the client they forwarded.
     */
    Access authorize(HttpExchange exchange) throws IOException {
        InetAddress address = clients.client(exchange.getRemoteAddress().getAddress(),
                exchange.getRequestHeaders().get(clients.headerName()));
        QueryAccessLog.client(exchange, address.getHostAddress());
        if (!required()) {
            QueryAccessLog.caller(exchange, "anyone");
            return new Everything();
        }
        // an IPv4 address, or an IPv6 client's /64 (any address of which one host may use)
        String client = ClientAddresses.rateKey(address);
        long wait = failed.blockedFor(client);
        if (wait > 0) {
            QueryAccessLog.caller(exchange, "(too many wrong tokens, not looked at)");
            exchange.getResponseHeaders().set("Retry-After", Long.toString(wait));
            QueryAnswer.error(429, "too many requests with a wrong or no token from " + client + ": ask again in "
                    + wait + " s").send(exchange);
            return null;
        }
        Access access = access(exchange.getRequestHeaders().getFirst("Authorization"));
        QueryAccessLog.caller(exchange, access instanceof OneTenant one ? "tenant " + one.tenant()
                : access instanceof Everything ? "operator" : "(" + ((Denied) access).reason() + ")");
        if (access instanceof Denied) {
            failed.failed(client);
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"tlsrpt domain queries\"");
            QueryAnswer.error(401, "domain queries need Authorization: Bearer <the token of "
                    + "http.domains.token.file, a tenant's of http.domains.tenant.tokens.file, or an access token of "
                    + "the identity provider of http.domains.jwt.issuer>").send(exchange);
            return null;
        }
        return access;
    }

    /** What the request with this {@code Authorization} header (null: none) may ask. */
    Access access(String authorization) {
        if (!required()) {
            return new Everything();
        }
        if (authorization == null) {
            return new Denied("no token");
        }
        byte[] given = authorization.getBytes(StandardCharsets.UTF_8);
        // every token compared in full, whichever matches: the time taken tells nothing of which one is near
        boolean everything = operator != null && MessageDigest.isEqual(operator, given);
        String tenant = null;
        for (Map.Entry<String, String> e : current().entrySet()) {
            if (MessageDigest.isEqual(e.getKey().getBytes(StandardCharsets.UTF_8), given)) {
                tenant = e.getValue();
            }
        }
        if (everything) {
            return new Everything();
        }
        if (tenant != null) {
            return new OneTenant(tenant);
        }
        // not a token of the files: an identity provider's access token, when they are taken
        if (jwts != null && authorization.startsWith(BEARER) && JwtVerifier.looksLikeJwt(authorization)) {
            return jwts.access(authorization.substring(BEARER.length()).strip());
        }
        return new Denied("no valid token");
    }

    /** The tenants' tokens, read again when the file changed since the last look (at most every few seconds). */
    private Map<String, String> current() {
        return tenants == null ? Map.of() : tenants.current();
    }

    /** "Bearer <token>" -> tenant, from lines {@code TENANT TOKEN} ({@code #} comments). */
    static Map<String, String> read(Path file, Optional<String> operatorToken) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(ProcessorConfig.HTTP_DOMAINS_TENANT_TOKENS_FILE + ": cannot read "
                    + file + ": " + e.getMessage(), e);
        }
        Map<String, String> tokens = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        operatorToken.ifPresent(seen::add);
        for (ListFile.Entry entry : ListFile.entries(content)) {
            String where = ProcessorConfig.HTTP_DOMAINS_TENANT_TOKENS_FILE + ": " + file + " line " + entry.line();
            String[] parts = entry.text().split("\\s+");
            if (parts.length != 2) {
                throw new IllegalArgumentException(where + ": expected 'TENANT TOKEN'");
            }
            if (!ServedDomains.isTenantName(parts[0])) {
                throw new IllegalArgumentException(where + ": '" + parts[0] + "' is not a tenant name");
            }
            if (parts[1].length() < MIN_TOKEN_LENGTH) {
                throw new IllegalArgumentException(where + ": a token of at least " + MIN_TOKEN_LENGTH
                        + " characters");
            }
            if (!seen.add(parts[1])) {
                throw new IllegalArgumentException(where + ": this token is given twice (or is the operator's)");
            }
            tokens.put(bearer(parts[1]), parts[0]);
        }
        return Map.copyOf(tokens);
    }

    private static String bearer(String token) {
        return BEARER + token;
    }
}
