package io.tlsrpt.processor.app;

import io.tlsrpt.oauth.JsonWebKeys;
import io.tlsrpt.oauth.JwtVerifier;
import io.tlsrpt.oauth.TokenEndpoint;
import io.tlsrpt.processor.served.ServedDomains;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who an identity provider's access token says its bearer is ({@code http.domains.jwt.*}): the operator when its
 * roles hold the operator's role, else the tenant its tenant claim names, else no one (a token of the provider for
 * another use). With a scope asked for, a token that carries scopes must carry that one; with clients named, the
 * token must be one of theirs.
 */
final class QueryJwts {

    /** A scope-token of RFC 6749 section 3.3: printable ASCII but space, double quote and backslash. */
    private static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");
    /** The claims that name the client application, in the order looked at. */
    static final List<String> CLIENT_CLAIMS = List.of("azp", "client_id", "appid", "cid");

    private final JwtVerifier verifier;
    private final String tenantClaim;
    private final String rolesClaim;
    private final String operatorRole;
    private final String scope;
    private final Set<String> clients;

    /**
     * @param scope   the scope a token that carries scopes must carry; empty for none
     * @param clients the client applications whose tokens are taken; empty for any
     */
    QueryJwts(JwtVerifier verifier, String tenantClaim, String rolesClaim, String operatorRole, String scope,
              Set<String> clients) {
        this.verifier = verifier;
        this.tenantClaim = tenantClaim;
        this.rolesClaim = rolesClaim;
        this.operatorRole = operatorRole;
        this.scope = scope;
        this.clients = Set.copyOf(clients);
    }

    /** The identity provider's key set the tokens are verified with. */
    JsonWebKeys keys() {
        return verifier.keys();
    }

    static boolean isScopeToken(String text) {
        return SCOPE_TOKEN.matcher(text).matches();
    }

    /** What the bearer of {@code token} may ask. */
    DomainQueryTokens.Access access(String token) {
        Map<String, Object> claims;
        try {
            claims = verifier.verify(token);
        } catch (JwtVerifier.NotValid e) {
            return new DomainQueryTokens.Denied("a JWT not taken: " + e.getMessage());
        }
        if (!clients.isEmpty()) {
            String client = client(claims);
            if (client == null) {
                return new DomainQueryTokens.Denied("a JWT that names no client (" + String.join(", ", CLIENT_CLAIMS)
                        + ")");
            }
            if (!clients.contains(client)) {
                return new DomainQueryTokens.Denied("a JWT of the client " + TokenEndpoint.printable(client)
                        + ", not one of http.domains.jwt.clients");
            }
        }
        List<String> scopes = scopes(claims);
        if (!scope.isEmpty() && !scopes.isEmpty() && !scopes.contains(scope)) {
            return new DomainQueryTokens.Denied("a JWT without the scope " + scope);
        }
        Object roles = JwtVerifier.claim(claims, rolesClaim);
        if (operatorRole.equals(roles) || roles instanceof List<?> list && list.contains(operatorRole)) {
            return new DomainQueryTokens.Everything();
        }
        Object tenant = JwtVerifier.claim(claims, tenantClaim);
        if (tenant instanceof String name && ServedDomains.isTenantName(name)) {
            return new DomainQueryTokens.OneTenant(name);
        }
        return new DomainQueryTokens.Denied("a JWT with neither the role " + operatorRole + " nor a tenant in "
                + tenantClaim);
    }

    /**
     * The application a token was issued to: OpenID Connect's {@code azp} (Entra ID's v2.0 tokens, Keycloak, Auth0),
     * RFC 9068's {@code client_id}, Entra ID's v1.0 {@code appid}, Okta's {@code cid}: the first present, if it is a
     * non-empty string; else null. Compared exactly (Entra ID's application ids are lower-case GUIDs).
     */
    private static String client(Map<String, Object> claims) {
        for (String name : CLIENT_CLAIMS) {
            if (claims.containsKey(name)) {
                // the first present decides: one that is no name (empty, a list) names no client, and the claims
                // after it are not looked at
                return claims.get(name) instanceof String client && !client.isEmpty() ? client : null;
            }
        }
        return null;
    }

    /**
     * The scopes a token carries: RFC 9068's {@code scope} (names separated by spaces), Entra ID's {@code scp} (the
     * same) or Okta's {@code scp} (a list); empty when it has neither claim (an application's own token).
     */
    private static List<String> scopes(Map<String, Object> claims) {
        List<String> scopes = new ArrayList<>();
        for (String name : List.of("scope", "scp")) {
            Object value = claims.get(name);
            if (value instanceof String names) {
                for (String one : names.split(" ")) {
                    if (!one.isEmpty()) {
                        scopes.add(one);
                    }
                }
            } else if (value instanceof List<?> list) {
                list.forEach(one -> scopes.add(String.valueOf(one)));
            }
        }
        return scopes;
    }
}
