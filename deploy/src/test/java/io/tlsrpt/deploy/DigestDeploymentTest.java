package io.tlsrpt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlsrpt.cli.digest.DigestCommand;
import io.tlsrpt.cli.digest.DigestRecipients;
import io.tlsrpt.deploy.Workloads.Container;
import io.tlsrpt.deploy.Workloads.Target;
import jakarta.mail.internet.InternetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The weekly digest as Kubernetes runs it: a CronJob whose arguments are options {@code tlsrpt digest} has, reading
 * the processor's cluster and registry, with its recipients list mounted and readable and its SMTP settings from a
 * Secret.
 */
class DigestDeploymentTest {

    private static final String CLI_MAIN = "io.tlsrpt.cli.TlsRptCli";

    private static Container digest() {
        List<Container> digests = Workloads.running(CLI_MAIN, Target.K8S).stream()
            .filter(c -> arguments(c).get(0).equals("digest")).toList();
        assertThat(digests).as("digest containers").hasSize(1);
        return digests.get(0);
    }

    private static List<String> arguments(Container c) {
        List<String> args = new ArrayList<>();
        c.node().path("args").forEach(a -> args.add(a.asText()));
        return args.subList(args.indexOf(CLI_MAIN) + 1, args.size());
    }

    private static CommandLine.ParseResult parse(Container c) {
        List<String> args = arguments(c);
        return new CommandLine(new DigestCommand()).parseArgs(args.subList(1, args.size()).toArray(String[]::new));
    }

    private static String option(CommandLine.ParseResult digest, String name) {
        if (!digest.hasMatchedOption(name)) {
            return digest.commandSpec().findOption(name).defaultValue();
        }
        Object value = digest.matchedOption(name).getValue();   // typed (Path): its text
        return String.valueOf(value);
    }

    private static DeployFiles.K8sObject cronJob() {
        return DeployFiles.k8sObjects("CronJob").stream().filter(o -> o.name().equals("tlsrpt-weekly-digest"))
            .findFirst().orElseThrow();
    }

    @Test
    void aWeeklyJobMailsFromTheProcessorsCluster() {
        Container digest = digest();
        CommandLine.ParseResult options = parse(digest);
        Container processor = Workloads.running(Workloads.PROCESSOR_MAIN, Target.K8S).get(0);
        assertThat(option(options, "--bootstrap")).isEqualTo(processor.env().get("TLSRPT_BOOTSTRAP_SERVERS"));
        assertThat(option(options, "--registry")).isEqualTo(processor.env().get("TLSRPT_SCHEMA_REGISTRY_URL"));
        assertThat(option(options, "--stats-topic")).isEqualTo(processor.env().get("TLSRPT_TOPIC_DOMAIN_STATS"));
        assertThat(option(options, "--alerts-topic")).isEqualTo(processor.env().get("TLSRPT_TOPIC_ALERTS_JSON"));
        assertThat(options.hasMatchedOption("--since") || options.hasMatchedOption("--until"))
            .as("the last seven days of each run, not a fixed period").isFalse();

        JsonNode spec = cronJob().node().path("spec");
        assertThat(spec.path("schedule").asText()).as("weekly, on one weekday").matches("\\d+ \\d+ \\* \\* [0-6]");
        assertThat(spec.path("timeZone").asText()).as("the digest's days are UTC days").isEqualTo("Etc/UTC");
        assertThat(spec.path("concurrencyPolicy").asText()).isEqualTo("Forbid");
        JsonNode job = spec.path("jobTemplate").path("spec");
        assertThat(job.path("template").path("spec").path("restartPolicy").asText()).isEqualTo("Never");
        assertThat(job.path("backoffLimit").asInt(-1)).as("a retry would mail again the tenants mailed before the "
            + "refused one").isZero();
    }

    @Test
    void itsRecipientsAreMountedAndReadAndItsSmtpSettingsComeFromASecret(@TempDir Path dir) throws Exception {
        Container digest = digest();
        CommandLine.ParseResult options = parse(digest);
        Path recipients = Path.of(option(options, "--mail-recipients"));
        Path smtp = Path.of(option(options, "--smtp-config"));
        assertThat(digest.mountPaths()).contains(recipients.getParent().toString(), smtp.getParent().toString());

        JsonNode podSpec = cronJob().node().path("spec").path("jobTemplate").path("spec").path("template")
            .path("spec");
        Map<String, JsonNode> volumes = new java.util.HashMap<>();
        podSpec.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
        Map<String, String> mountedFrom = new java.util.HashMap<>();
        digest.node().path("volumeMounts").forEach(m -> mountedFrom.put(m.path("mountPath").asText(),
            m.path("name").asText()));
        JsonNode recipientsVolume = volumes.get(mountedFrom.get(recipients.getParent().toString()));
        JsonNode smtpVolume = volumes.get(mountedFrom.get(smtp.getParent().toString()));
        assertThat(smtpVolume.path("secret").path("secretName").asText()).as("the SMTP password is a Secret's")
            .isNotEmpty();

        String configMap = recipientsVolume.path("configMap").path("name").asText();
        String list = DeployFiles.k8sObjects("ConfigMap").stream().filter(cm -> cm.name().equals(configMap))
            .findFirst().orElseThrow().node().path("data").path(recipients.getFileName().toString()).asText();
        Map<String, List<InternetAddress>> read = DigestRecipients.read(Files.writeString(dir.resolve("r.txt"),
            list));
        assertThat(read).as("the example list, as the command reads it").isNotEmpty();
    }
}
