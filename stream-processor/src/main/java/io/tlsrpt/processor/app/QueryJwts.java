package io.tlsrpt.processor.app;

import io.tlsrpt.oauth.JwtVerifier;
import io.tlsrpt.processor.served.ServedDomains;
import java.util.List;
import java.util.Map;

/**
 * Who an identity provider's access token says its bearer is ({@code http.domains.jwt.*}): the operator when its
 * roles hold the operator's role, else the tenant its tenant claim names, else no one (a token of the provider for
 * another use).
 */
final class QueryJwts {

    private final JwtVerifier verifier;
    private final String tenantClaim;
    private final String rolesClaim;
    private final String operatorRole;

    QueryJwts(JwtVerifier verifier, String tenantClaim, String rolesClaim, String operatorRole) {
        this.verifier = verifier;
        this.tenantClaim = tenantClaim;
        this.rolesClaim = rolesClaim;
        this.operatorRole = operatorRole;
    }

    /** What the bearer of {@code token} may ask. */
    DomainQueryTokens.Access access(String token) {
        Map<String, Object> claims;
        try {
            claims = verifier.verify(token);
        } catch (JwtVerifier.NotValid e) {
            return new DomainQueryTokens.Denied("a JWT not taken: " + e.getMessage());
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
}
