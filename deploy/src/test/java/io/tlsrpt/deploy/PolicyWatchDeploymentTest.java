package io.tlsrpt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlsrpt.cli.check.CheckedDomainName;
import io.tlsrpt.cli.watch.WatchCommand;
import io.tlsrpt.deploy.Workloads.Container;
import io.tlsrpt.deploy.Workloads.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The policy watch as compose and Kubernetes run it: its arguments are options {@code tlsrpt watch} has, it talks to
 * the cluster and registry of the processor beside it, writes the alert topics the notifier reads, and finds the
 * domain list it is given.
 */
class PolicyWatchDeploymentTest {

    private static final String CLI_MAIN = "io.tlsrpt.cli.TlsRptCli";

    /** The watch containers of one deployment: the CLI's main class running the watch subcommand. */
    private static List<Container> watches(Target target) {
        return Workloads.running(CLI_MAIN, target).stream().filter(c -> arguments(c).get(0).equals("watch")).toList();
    }

    /** The arguments after the main class (compose: command; Kubernetes: args). */
    private static List<String> arguments(Container c) {
        JsonNode list = c.target() == Target.COMPOSE ? c.node().path("command") : c.node().path("args");
        List<String> args = new ArrayList<>();
        list.forEach(a -> args.add(a.asText()));
        return args.subList(args.indexOf(CLI_MAIN) + 1, args.size());
    }

    private static CommandLine.ParseResult parse(Container c) {
        List<String> args = arguments(c);
        return new CommandLine(new WatchCommand()).parseArgs(args.subList(1, args.size()).toArray(String[]::new));
    }

    /** The option's value as given, or its default (the typed value picocli converted, as text). */
    private static String option(CommandLine.ParseResult watch, String name) {
        CommandLine.Model.OptionSpec option = watch.commandSpec().findOption(name);
        if (!watch.hasMatchedOption(name)) {
            return option.defaultValue();
        }
        Object value = watch.matchedOption(name).getValue();   // typed (Duration, Path): its text
        return String.valueOf(value);
    }

    @Test
    void eachDeploymentRunsOneWatchWithOptionsTheCommandHas() {
        for (Target target : Target.values()) {
            List<Container> watches = watches(target);
            assertThat(watches).as("policy watches in " + target).hasSize(1);
            CommandLine.ParseResult watch = parse(watches.get(0));
            Duration interval = Duration.parse(option(watch, "--interval"));
            assertThat(interval).as(watches.get(0) + ": no faster than the policies' servers should be asked")
                .isGreaterThanOrEqualTo(Duration.ofMinutes(5));
            assertThat(option(watch, "--rounds")).as("runs until stopped").isEqualTo("0");
        }
    }

    @Test
    void theWatchWritesWhereTheProcessorAndTheNotifierAre() {
        for (Target target : Target.values()) {
            Container watch = watches(target).get(0);
            Container processor = Workloads.running(Workloads.PROCESSOR_MAIN, target).get(0);
            CommandLine.ParseResult options = parse(watch);
            assertThat(option(options, "--bootstrap")).as(watch + ": the processor's cluster")
                .isEqualTo(processor.env().get("TLSRPT_BOOTSTRAP_SERVERS"));
            assertThat(option(options, "--registry")).as(watch + ": the processor's registry")
                .isEqualTo(processor.env().get("TLSRPT_SCHEMA_REGISTRY_URL"));
            assertThat(option(options, "--alerts-topic")).isEqualTo(processor.env().get("TLSRPT_TOPIC_ALERTS"));
            assertThat(option(options, "--alerts-json-topic")).as(watch + ": the notifier's topic")
                .isEqualTo(processor.env().get("TLSRPT_TOPIC_ALERTS_JSON"));
        }
    }

    @Test
    void theDomainListIsMountedAndListsDomains() throws Exception {
        Container compose = watches(Target.COMPOSE).get(0);
        String file = option(parse(compose), "--domains-file");
        assertThat(compose.mountPaths()).as(compose + " mounts its list").contains(file);
        String hostPath = compose.node().path("volumes").get(0).asText().split(":")[0];
        assertDomains(Files.readString(DeployFiles.COMPOSE.getParent().resolve(hostPath)), compose);

        Container k8s = watches(Target.K8S).get(0);
        Path k8sFile = Path.of(option(parse(k8s), "--domains-file"));
        assertThat(k8s.mountPaths()).as(k8s + " mounts its list").contains(k8sFile.getParent().toString());
        JsonNode data = DeployFiles.k8sObjects("ConfigMap").stream()
            .filter(cm -> cm.name().equals("tlsrpt-policy-watch-domains")).findFirst().orElseThrow().node()
            .path("data");
        assertDomains(data.path(k8sFile.getFileName().toString()).asText(), k8s);
    }

    /** As the watch reads its file: one domain per line, # starts a comment. */
    private static void assertDomains(String list, Container where) {
        List<String> domains = list.lines().map(l -> l.replaceFirst("#.*", "").strip()).filter(l -> !l.isEmpty())
            .toList();
        assertThat(domains).as(where + " watches at least one domain").isNotEmpty();
        domains.forEach(CheckedDomainName::ascii);
    }
}
