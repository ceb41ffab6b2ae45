package io.tlsrpt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tlsrpt parse} run in-process on the real corpus (the decoder module's copy of shared/corpus/real). */
class ParseCommandTest {

    private static final Path CORPUS = Path.of("../stream-processor/src/test/resources/corpus/real");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private record Run(int exitCode, List<JsonNode> lines, String err) {
    }

    private static Run run(String... args) throws IOException {
        CommandLine cmd = TlsRptCli.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int exit = cmd.execute(args);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString().split("\n")) {
            if (!line.isBlank()) {
                lines.add(MAPPER.readTree(line));
            }
        }
        return new Run(exit, lines, err.toString());
    }

    private static String corpus(String name) {
        return CORPUS.resolve(name).toString();
    }

    @Test
    void parsesTheWholeCorpusOneLinePerFileInOrder() throws IOException {
        String[] files = {
            corpus("google-2024-09-15.eml"), corpus("mailru-2023-01-25.eml"),
            corpus("microsoft-2024-09-13-sts-tlsa.eml"), corpus("not-a-report-cron-mail.eml"),
            corpus("rfc8460-appendix-b.json"), corpus("microsoft-2025-05-23-tlsa-double-encoded.json"),
            corpus("microsoft-2025-06-14-no-ip-no-mx.json"), corpus("contact-info-null.json"),
            corpus("synthetic-unknown-policy-type-no-domain.json"), "does/not/exist.json"};
        String[] args = new String[files.length + 1];
        args[0] = "parse";
        System.arraycopy(files, 0, args, 1, files.length);

        Run run = run(args);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.lines()).extracting(l -> l.get("file").asText()).containsExactly(files);
        assertThat(run.lines()).extracting(l -> l.get("status").asText()).containsExactly(
            "ok", "ok", "ok", "rejected", "ok", "ok", "ok", "ok", "ok", "rejected");
        assertThat(run.lines().get(3).get("reason").asText()).isEqualTo("no-report-found");
        assertThat(run.lines().get(9).get("reason").asText()).isEqualTo("unreadable");
        assertThat(run.lines().get(9).get("message").asText()).contains("does/not/exist.json");

        JsonNode google = run.lines().get(0).get("reports").get(0);
        assertThat(google.get("organization_name").asText()).isEqualTo("Google Inc.");
        assertThat(google.get("report_id").asText()).isEqualTo("2024-09-15T00:00:00Z_krvtz.net");
        assertThat(google.get("start").asText()).isEqualTo("2024-09-15T00:00:00Z");
        assertThat(google.get("end").asText()).isEqualTo("2024-09-15T23:59:59Z");
        assertThat(google.get("policies").get(0).get("policy_domain").asText()).isEqualTo("krvtz.net");
        assertThat(google.get("policies").get(0).get("mx_hosts").get(0).asText()).isEqualTo("carp-20.krvtz.net");
        assertThat(google.get("provenance").get("mail").get("tls_report_submitter").asText()).isEqualTo("google.com");
        assertThat(google.get("provenance").get("raw_sha256").asText()).hasSize(64);
        assertThat(google.get("provenance").get("source").asText()).isEqualTo("cli");

        JsonNode rfc = run.lines().get(4).get("reports").get(0);
        JsonNode detail = rfc.get("policies").get(0).get("failure_details").get(2);
        assertThat(detail.get("result_type").asText()).isEqualTo("validation-failure");
        assertThat(detail.get("sending_mta_ip").asText()).isEqualTo("198.51.100.62");
        assertThat(detail.get("failed_sessions").asLong()).isEqualTo(3);
        assertThat(detail.get("failure_reason_code").asText()).isEqualTo("X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED");
        assertThat(rfc.get("deviations")).extracting(JsonNode::asText).containsExactly("additional-information-spaces");

        JsonNode mailRu = run.lines().get(1).get("reports").get(0);
        assertThat(mailRu.get("end").asText()).isEqualTo("2023-01-26T00:00:00Z");
        assertThat(mailRu.get("deviations")).extracting(JsonNode::asText).contains("end-next-day-midnight");
    }

    @Test
    void exitsZeroWhenEveryFileIsAReport(@TempDir Path dir) throws IOException {
        Path copy = dir.resolve("report.json");
        Files.copy(CORPUS.resolve("rfc8460-appendix-b.json"), copy);
        Run run = run("parse", copy.toString(), corpus("contact-info-null.json"));
        assertThat(run.exitCode()).isZero();
        assertThat(run.lines()).hasSize(2).allSatisfy(l -> {
            assertThat(l.get("status").asText()).isEqualTo("ok");
            assertThat(l.has("reason")).isFalse();
            assertThat(l.get("reports")).hasSize(1);
        });
        assertThat(run.lines().get(0).get("reports").get(0).get("provenance").get("file_name").asText())
            .isEqualTo("report.json");
    }

    @Test
    void rejectsFilesOverTheInputLimitWithoutReadingThemWhole(@TempDir Path dir) throws IOException {
        Path big = dir.resolve("big.json");
        Files.write(big, new byte[4096]);
        Run run = run("parse", "--limit", "decoder.max.input.bytes=1k", big.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.lines().get(0).get("reason").asText()).isEqualTo("too-large");
    }

    @Test
    void usageErrorsExitTwo() throws IOException {
        assertThat(run("parse").exitCode()).isEqualTo(2);
        assertThat(run("parse", "--limit", "decoder.max.bogus=1", corpus("contact-info-null.json")).exitCode())
            .isEqualTo(2);
    }
}
