package io.tlsrpt.processor.served;

import io.tlsrpt.schema.Alert;

/**
 * Stamps an alert with the tenant a served-domains list names for its policy domain ({@code example.com tenant=acme}),
 * as it leaves the processor or the policy watch. Looked up when the alert is written, not kept with the incident: a
 * domain moved to another tenant has its next alert (its resolution too) routed to the new one.
 */
public final class AlertTenants {

    private AlertTenants() {
    }

    /** The alert with its domain's tenant; the alert itself when the list names none (or the same). */
    public static Alert withTenant(Alert alert, ServedDomains served) {
        String tenant = served.tenantOf(alert.getPolicyDomain());
        if (tenant == null || tenant.equals(alert.getTenant())) {
            return alert;
        }
        return Alert.newBuilder(alert).setTenant(tenant).build();
    }
}
