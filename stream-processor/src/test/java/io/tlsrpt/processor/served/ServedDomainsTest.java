package io.tlsrpt.processor.served;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServedDomainsTest {

    @Test
    void anEmptyListServesEveryDomain() {
        assertThat(ServedDomains.parse("")).isSameAs(ServedDomains.ALL);
        assertThat(ServedDomains.parse(" , ")).isSameAs(ServedDomains.ALL);
        assertThat(ServedDomains.ALL.servesAll()).isTrue();
        assertThat(ServedDomains.ALL.serves("anything.example")).isTrue();
        assertThat(ServedDomains.ALL.size()).isZero();
    }

    @Test
    void aDomainEntryServesThatDomainOnly() {
        ServedDomains served = ServedDomains.parse("example.com, mail.example.net");
        assertThat(served.serves("example.com")).isTrue();
        assertThat(served.serves("mail.example.net")).isTrue();
        assertThat(served.serves("sub.example.com")).as("a name below is another policy domain").isFalse();
        assertThat(served.serves("example.net")).isFalse();
        assertThat(served.serves("notexample.com")).isFalse();
        assertThat(served.serves("com")).isFalse();
        assertThat(served.serves("")).isFalse();
        assertThat(served.serves(null)).isFalse();
        assertThat(served.size()).isEqualTo(2);
    }

    @Test
    void aWildcardServesEveryNameBelowButNotTheDomainItself() {
        ServedDomains served = ServedDomains.parse("*.customers.example");
        assertThat(served.serves("a.customers.example")).isTrue();
        assertThat(served.serves("x.y.customers.example")).isTrue();
        assertThat(served.serves("customers.example")).isFalse();
        assertThat(served.serves("evilcustomers.example")).as("a label boundary, not a string suffix").isFalse();
        assertThat(served.serves("customers.example.evil")).isFalse();
        assertThat(ServedDomains.parse("*.customers.example customers.example").serves("customers.example")).isTrue();
    }

    @Test
    void entriesAreComparedAsTheDecoderWritesPolicyDomains() {
        // upper case, a trailing dot, a U-label: the decoder writes policy domains as lower-case A-labels
        ServedDomains served = ServedDomains.of(List.of("Example.COM.", "Bücher.example", "*.Ünï.example"));
        assertThat(served.serves("example.com")).isTrue();
        assertThat(served.serves("xn--bcher-kva.example")).isTrue();
        assertThat(served.serves("mx.xn--n-nga1b.example")).isTrue();
        assertThat(served.size()).isEqualTo(3);
    }

    @Test
    void everyBadEntryIsNamedAtOnce() {
        assertThatThrownBy(() -> ServedDomains.parse("good.example, bad_domain!.example, example.*, *."))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'bad_domain!.example'")
                .hasMessageContaining("'example.*' (a wildcard is '*.' before a domain)")
                .hasMessageContaining("not a domain name: ''")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("good.example"));
    }

    @Test
    void twoListsTogetherServeWhatEitherServes() {
        ServedDomains both = ServedDomains.parse("a.example").and(ServedDomains.parse("*.b.example"));
        assertThat(both.serves("a.example")).isTrue();
        assertThat(both.serves("x.b.example")).isTrue();
        assertThat(both.serves("c.example")).isFalse();
        assertThat(both.size()).isEqualTo(2);
        assertThat(ServedDomains.ALL.and(ServedDomains.parse("a.example")).serves("c.example"))
                .as("no inline list and a file: the file's list").isFalse();
        assertThat(ServedDomains.parse("a.example").and(ServedDomains.ALL).serves("c.example")).isFalse();
    }

    @Test
    void anEntryMayNameItsTenantAndTheAlertsOfItsDomainsCarryIt() {
        ServedDomains served = ServedDomains.of(List.of("acme.example tenant=acme", "*.acme.example tenant=acme",
                "*.hosting.example tenant=hosting-ops", "vip.hosting.example tenant=vip.customer_1",
                "plain.hosting.example", "untenanted.example"));
        assertThat(served.tenantOf("acme.example")).isEqualTo("acme");
        assertThat(served.tenantOf("mail.acme.example")).isEqualTo("acme");
        assertThat(served.tenantOf("vip.hosting.example")).as("the exact entry first").isEqualTo("vip.customer_1");
        assertThat(served.tenantOf("shop.vip.hosting.example")).as("below it: the nearest wildcard naming one")
                .isEqualTo("hosting-ops");
        assertThat(served.tenantOf("plain.hosting.example")).as("an exact entry without one: the wildcard's")
                .isEqualTo("hosting-ops");
        assertThat(served.tenantOf("untenanted.example")).isNull();
        assertThat(served.tenantOf(null)).isNull();
        assertThat(served.tenantEntries()).isEqualTo(4);
        assertThat(served.size()).isEqualTo(6);
        assertThat(served.serves("plain.hosting.example")).isTrue();
        assertThat(ServedDomains.ALL.tenantOf("acme.example")).isNull();

        ServedDomains both = ServedDomains.parse("inline.example").and(served);
        assertThat(both.tenantOf("mail.acme.example")).isEqualTo("acme");
        assertThat(both.tenantOf("inline.example")).isNull();
    }

    @Test
    void aBadTenantOrTwoTenantsForOneEntryAreNamed() {
        assertThatThrownBy(() -> ServedDomains.of(List.of("a.example tenant=", "b.example tenant=x y",
                "c.example owner=z", "d.example tenant=one", "D.example. tenant=two", "e.example tenant=-x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a tenant name (letters, digits, '.', '_', '-', at most 64, beginning with a "
                        + "letter or digit): ''")
                .hasMessageContaining("not a domain name: 'b.example tenant=x y' (after a domain only 'tenant=NAME' may "
                        + "follow)")
                .hasMessageContaining("not a domain name: 'c.example owner=z'")
                .hasMessageContaining("'D.example.' is listed for tenants one and two")
                .hasMessageContaining("'-x'");
        assertThat(ServedDomains.of(List.of("d.example tenant=one", "d.example tenant=one")).tenantOf("d.example"))
                .as("the same tenant twice is no conflict").isEqualTo("one");
        assertThatThrownBy(() -> ServedDomains.parse("a.example tenant=acme"))
                .hasMessageContaining("a tenant is named in served.domains.file only");
    }
}
