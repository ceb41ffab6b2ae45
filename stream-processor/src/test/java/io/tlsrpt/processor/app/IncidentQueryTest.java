package io.tlsrpt.processor.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlsrpt.processor.detect.Incident;
import java.util.TreeSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class IncidentQueryTest {

    private static final Incident OPEN = new Incident("id-1", "certificate-expired", true, 0, 0, 10, 10, 0,
            "certificate-expired", "example.com|certificate-expired", null);
    private static final Incident RESOLVED = new Incident("id-2", "failure-spike", false, 0, 0, 10, 10, 86_400_000L,
            "failure-spike", "example.com|validation-failure", null);

    @Test
    void withoutParametersOpenIncidentsOfEveryTenantAndDomain() {
        IncidentQuery query = IncidentQuery.parse(null);
        assertThat(query).isEqualTo(IncidentQuery.parse(""));
        assertThat(query.status()).isEqualTo(IncidentQuery.Status.OPEN);
        assertThat(query.partitions()).isNull();
        assertThat(query.admits("example.com", null, OPEN)).isTrue();
        assertThat(query.admits("example.com", "acme", OPEN)).isTrue();
        assertThat(query.admits("example.com", null, RESOLVED)).isFalse();
        assertThat(query.admits("example.com", null, true, "id-9")).as("a reporter stopped: open").isTrue();
        assertThat(IncidentQuery.parse("status=resolved").admits("example.com", null, true, "id-9")).isFalse();
    }

    @Test
    void statusTenantAndDomainNarrowIt() {
        assertThat(IncidentQuery.parse("status=resolved").admits("example.com", null, RESOLVED)).isTrue();
        assertThat(IncidentQuery.parse("status=resolved").admits("example.com", null, OPEN)).isFalse();
        assertThat(IncidentQuery.parse("status=all").admits("example.com", null, OPEN)).isTrue();
        assertThat(IncidentQuery.parse("status=all").admits("example.com", null, RESOLVED)).isTrue();

        IncidentQuery acme = IncidentQuery.parse("tenant=acme");
        assertThat(acme.admits("example.com", "acme", OPEN)).isTrue();
        assertThat(acme.admits("example.com", "other", OPEN)).isFalse();
        assertThat(acme.admits("example.com", null, OPEN)).as("a domain of no tenant").isFalse();

        IncidentQuery domain = IncidentQuery.parse("domain=Example.COM.");
        assertThat(domain.domain()).as("as the reports name it").isEqualTo("example.com");
        assertThat(domain.admits("example.com", null, OPEN)).isTrue();
        assertThat(domain.admits("mail.example.com", null, OPEN)).as("a subdomain").isTrue();
        assertThat(domain.admits("badexample.com", null, OPEN)).as("another name ending alike").isFalse();
        assertThat(domain.admits("example.org", null, OPEN)).isFalse();
    }

    @Test
    void anAlertIdAsksForItsIncidentOnlyAndPeersAreAskedTheSame() {
        IncidentQuery one = IncidentQuery.parse("status=all&alert_id=id-2");
        assertThat(one.alertId()).isEqualTo("id-2");
        assertThat(one.admits("example.com", null, RESOLVED)).isTrue();
        assertThat(one.admits("example.com", null, OPEN)).as("another incident").isFalse();
        assertThat(one.admits("example.com", null, true, "id-9")).as("a reporter stopped, another id").isFalse();
        assertThat(IncidentQuery.parse("alert_id=id-9").admits("example.com", null, true, "id-9")).isTrue();
        assertThat(IncidentQuery.parse("alert_id=id-2").admits("example.com", null, RESOLVED))
                .as("its incident resolved, and only open ones asked").isFalse();
        IncidentQuery asked = IncidentQuery.parse(one.forTenant("acme").forPeer(new TreeSet<>(List.of(2))));
        assertThat(asked.alertId()).isEqualTo("id-2");
        assertThat(asked.tenant()).isEqualTo("acme");
        assertThat(IncidentQuery.parse("").alertId()).isNull();
        assertThatThrownBy(() -> IncidentQuery.parse("alert_id=")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("alert_id");
    }

    @Test
    void anMxHostAsksForTheIncidentsWhoseFailuresWereAtItOrBelowItAndPeersAreAskedTheSame() {
        IncidentQuery host = IncidentQuery.parse("mx=MX1.Provider.Example.");
        assertThat(host.mx()).as("as a host name is compared: lower case, no dot at the end")
                .isEqualTo("mx1.provider.example");
        assertThat(host.admitsMx(List.of("mx2.provider.example", "MX1.provider.example"))).isTrue();
        assertThat(host.admitsMx(List.of("mx1.provider.example."))).as("a reporter's absolute name, stored before "
                + "hosts were kept without the dot").isTrue();
        assertThat(host.admitsMx(List.of("mx2.provider.example"))).isFalse();
        IncidentQuery unicode = IncidentQuery.parse("mx=mx.b%C3%BCcher.example");
        assertThat(unicode.mx()).as("a U-label asked for, in A-labels").isEqualTo("mx.xn--bcher-kva.example");
        assertThat(unicode.admitsMx(List.of("MX.Bücher.Example."))).as("as a reporter wrote it, stored before")
                .isTrue();
        assertThat(unicode.admitsMx(List.of("mx.xn--bcher-kva.example"))).isTrue();
        assertThat(host.admitsMx(List.of())).as("no MX host known (a reporter stopped, a window expired)").isFalse();
        IncidentQuery provider = IncidentQuery.parse("mx=provider.example");
        assertThat(provider.admitsMx(List.of("mx2.provider.example"))).as("a host below the domain").isTrue();
        assertThat(provider.admitsMx(List.of("mx.otherprovider.example"))).as("another name ending alike").isFalse();
        assertThat(IncidentQuery.parse("").admitsMx(List.of())).as("no mx asked: every incident").isTrue();
        assertThat(IncidentQuery.parse(host.forPeer(new TreeSet<>(List.of(1)))).mx())
                .isEqualTo("mx1.provider.example");
        assertThat(IncidentQuery.parse("mx=provider.example").forTenant("acme").mx()).isEqualTo("provider.example");
        assertThatThrownBy(() -> IncidentQuery.parse("mx=not%20a%20host")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a domain name");
    }

    @Test
    void aTenantsTokenNarrowsItToItsTenant() {
        IncidentQuery mine = IncidentQuery.parse("domain=example.com").forTenant("acme");
        assertThat(mine.tenant()).isEqualTo("acme");
        assertThat(mine.admits("example.com", "acme", OPEN)).isTrue();
        assertThat(mine.admits("example.com", "umbrella", OPEN)).isFalse();
    }

    @Test
    void anotherInstanceIsAskedTheSameForItsPartitions() {
        IncidentQuery query = IncidentQuery.parse("status=all&tenant=a%26b+c&domain=example.com");
        assertThat(query.tenant()).isEqualTo("a&b c");
        String forPeer = query.forPeer(new TreeSet<>(List.of(3, 1)));
        IncidentQuery asked = IncidentQuery.parse(forPeer);
        assertThat(asked.status()).isEqualTo(IncidentQuery.Status.ALL);
        assertThat(asked.tenant()).isEqualTo("a&b c");
        assertThat(asked.domain()).isEqualTo("example.com");
        assertThat(asked.partitions()).containsExactly(1, 3);
        assertThat(IncidentQuery.parse("").forPeer(new TreeSet<>(List.of(0)))).isEqualTo("status=open&partitions=0");
        assertThat(asked.limit()).as("none asked").isNull();
        assertThat(asked.effectiveLimit()).as("none asked: at most the largest").isEqualTo(ListQueries.MAX_LIMIT);
    }

    @Test
    void aLimitAsksForTheMostUrgentOnlyAndPeersAreAskedTheSame() {
        IncidentQuery query = IncidentQuery.parse("limit=25&tenant=acme");
        assertThat(query.limit()).isEqualTo(25);
        assertThat(query.effectiveLimit()).isEqualTo(25);
        assertThat(query.forTenant("acme").limit()).isEqualTo(25);
        assertThat(IncidentQuery.parse(query.forPeer(new TreeSet<>(List.of(2)))).limit()).isEqualTo(25);
        assertThat(IncidentQuery.parse("limit=10000").limit()).isEqualTo(ListQueries.MAX_LIMIT);
    }

    @Test
    void aCursorAsksForThoseAfterItAndPeersAreAskedTheSame() {
        JsonNode last = MostUrgentTest.MOST_URGENT_FIRST.get(2);
        String next = ListCursor.after(MostUrgent.INCIDENTS, last).encoded();
        IncidentQuery query = IncidentQuery.parse("limit=2&after=" + next);
        assertThat(query.after()).isEqualTo(ListCursor.after(MostUrgent.INCIDENTS, last));
        assertThat(MostUrgentTest.MOST_URGENT_FIRST).filteredOn(i -> query.followsCursor().test(IncidentRank.of(i)))
                .as("the incidents after the last one listed")
                .containsExactlyElementsOf(MostUrgentTest.MOST_URGENT_FIRST.subList(3, 7));
        IncidentQuery asked = IncidentQuery.parse(query.forTenant("acme").forPeer(new TreeSet<>(List.of(1))));
        assertThat(asked.after()).isEqualTo(query.after());
        assertThat(asked.limit()).isEqualTo(2);
        assertThat(IncidentQuery.parse("").followsCursor().test(IncidentRank.of(last))).as("no cursor: from the most urgent").isTrue();
    }

    @Test
    void whatCannotBeAnsweredIsNamed() {
        assertThatThrownBy(() -> IncidentQuery.parse("after=page2")).hasMessageContaining("'next' of an earlier answer");
        assertThatThrownBy(() -> IncidentQuery.parse("status=firing")).hasMessageContaining("open, resolved or all");
        assertThatThrownBy(() -> IncidentQuery.parse("page=2")).hasMessageContaining("unknown parameter 'page'");
        assertThatThrownBy(() -> IncidentQuery.parse("limit=0")).hasMessageContaining("from 1 to 10000, not '0'");
        assertThatThrownBy(() -> IncidentQuery.parse("limit=10001")).hasMessageContaining("from 1 to 10000");
        assertThatThrownBy(() -> IncidentQuery.parse("limit=ten")).hasMessageContaining("from 1 to 10000")
                .hasCauseInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> IncidentQuery.parse("tenant=")).hasMessageContaining("tenant is empty");
        assertThatThrownBy(() -> IncidentQuery.parse("domain=not a domain")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IncidentQuery.parse("partitions=1,x")).hasMessageContaining("partition numbers");
        assertThatThrownBy(() -> IncidentQuery.parse("partitions=-1")).hasMessageContaining("partition numbers");
    }
}
