package io.tlsrpt.cli.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlsrpt.cli.CommandRunner;
import io.tlsrpt.connect.dns.ResolverAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code tlsrpt check-record --record ...} (offline) and the usage errors. */
class CheckRecordCommandTest {

    @Test
    void validRecordAsJsonHasExactlyTheDocumentedKeys() {
        CommandRunner.Run run = CommandRunner.run("check-record", "--record",
            "v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://r.example.com/v1", "--json");

        assertThat(run.exit()).isZero();
        JsonNode json = run.json();
        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("record", "status", "rua", "errors", "warnings");
        assertThat(json.get("status").asText()).isEqualTo("valid");
        assertThat(json.get("rua").get(1).asText()).isEqualTo("https://r.example.com/v1");
        assertThat(json.get("errors")).isEmpty();
    }

    @Test
    void invalidRecordExitsOneAndExplainsInText() {
        CommandRunner.Run run = CommandRunner.run("check-record", "--record",
            "v=TLSRPTv1; rua=mailto:a@example.com,rua=mailto:b@example.com");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("Status: invalid")
            .contains("Error [rua-repeated-tag]")
            .contains("Write: v=TLSRPTv1; rua=mailto:a@example.com,mailto:b@example.com");
    }

    @Test
    void recordLongerThanOneTxtStringGetsAPublishingHint() {
        String record = "v=TLSRPTv1; rua=" + "mailto:a-very-long-mailbox-name-for-reports@example.com,".repeat(5)
            + "mailto:last@example.com";

        CommandRunner.Run run = CommandRunner.run("check-record", "--record", record, "--json");

        assertThat(run.exit()).isZero();
        assertThat(run.json().get("warnings").findValuesAsText("code")).containsExactly("long-record");
    }

    @Test
    void missingDomainAndRecordIsAUsageError() {
        CommandRunner.Run run = CommandRunner.run("check-record");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("give either a DOMAIN or --record TEXT");
    }

    @Test
    void domainAndRecordTogetherIsAUsageError() {
        assertThat(CommandRunner.run("check-record", "example.com", "--record", "v=TLSRPTv1").exit()).isEqualTo(2);
    }

    @Test
    void resolverOptionWithRecordIsAUsageError() {
        assertThat(CommandRunner.run("check-record", "--record", "v=TLSRPTv1", "--resolver", "127.0.0.1").exit())
            .isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:0", "127.0.0.1:99999", "127.0.0.1:dns", "[::1", ":53"})
    void badResolverIsAUsageError(String resolver) {
        CommandRunner.Run run = CommandRunner.run("check-record", "example.com", "--resolver", resolver);

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--resolver");
    }

    @ParameterizedTest
    @ValueSource(strings = {"exa mple.com", "_smtp._tls.example.com", "a..b"})
    void badDomainIsAUsageError(String domain) {
        assertThat(CommandRunner.run("check-record", domain, "--resolver", "127.0.0.1:53").exit()).isEqualTo(2);
    }

    @Test
    void domainTooLongForThePrefixIsAUsageError() {
        String domain = ("a".repeat(60) + ".").repeat(4) + "test"; // 248 characters: _smtp._tls. would not fit

        CommandRunner.Run run = CommandRunner.run("check-record", domain, "--resolver", "127.0.0.1:53");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("at most 242 characters");
    }

    @Test
    void namesTooLongForDnsAreReportedNotThrown() {
        DnsAnswer answer = DnsClient.at(new InetSocketAddress("127.0.0.1", 53), java.time.Duration.ofSeconds(1))
            .query("_25._tcp." + ("b".repeat(60) + ".").repeat(4) + "test", org.xbill.DNS.Type.TLSA);

        assertThat(answer.outcome()).isEqualTo(DnsAnswer.Outcome.BAD_NAME);
        assertThat(answer.outcome().answered()).isFalse();
        assertThat(answer.detail()).contains("not a valid DNS name");
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertThat(CommandRunner.run("check-record", "--recrod", "x").exit()).isEqualTo(2);
    }

    @Test
    void resolverAddresses() {
        assertThat(ResolverAddress.parse("127.0.0.1")).isEqualTo(new InetSocketAddress("127.0.0.1", 53));
        assertThat(ResolverAddress.parse("127.0.0.1:5353")).isEqualTo(new InetSocketAddress("127.0.0.1", 5353));
        assertThat(ResolverAddress.parse("[::1]:5353")).isEqualTo(new InetSocketAddress("::1", 5353));
        assertThat(ResolverAddress.parse("::1")).isEqualTo(new InetSocketAddress("::1", 53));
    }
}
