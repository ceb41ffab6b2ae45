package io.tlsrpt.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.tlsrpt.generate.GeneratorSettings;
import io.tlsrpt.generate.ReportGenerator;
import io.tlsrpt.generate.Scenario;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tlsrpt generate}: writes realistic, reproducible TLS-RPT inputs (mails and HTTPS bodies) to a directory. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
        "Generate realistic TLS-RPT reports: per day and domain one Google mail, one Microsoft mail and one "
            + "smtp-tls-reporting HTTPS body, mostly healthy, with optional incidents. Same options, same bytes.",
        "Files go to DIR/day-NN/ so that they sort in event order.",
        "Exit codes: 0 ok, 1 I/O error, 2 usage error."})
public final class GenerateCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created).")
    Path out;

    @Option(names = "--days", paramLabel = "N", description = "Days to cover (default: ${DEFAULT-VALUE}).")
    int days = GeneratorSettings.DEFAULT_DAYS;

    @Option(names = "--domains", paramLabel = "N",
        description = "Policy domains (default: ${DEFAULT-VALUE}); scenario domains are among them.")
    int domains = GeneratorSettings.DEFAULT_DOMAINS;

    @Option(names = "--seed", paramLabel = "N", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed = GeneratorSettings.DEFAULT_SEED;

    @Option(names = "--start-date", paramLabel = "YYYY-MM-DD",
        description = "First UTC day (default: ${DEFAULT-VALUE}).")
    LocalDate startDate = GeneratorSettings.DEFAULT_START_DATE;

    @Option(names = "--downgrade", paramLabel = "DOMAIN@DAY[+DAYS]",
        description = "STARTTLS downgrade: starttls-not-supported for a large share of DOMAIN's sessions from DAY "
            + "(1-based day number or ISO date), seen by every reporter; lasts 1 day unless +DAYS.")
    List<String> downgrades = new ArrayList<>();

    @Option(names = "--cert-expiry", paramLabel = "DOMAIN@DAY[+DAYS]",
        description = "Certificate expired: certificate-expired for almost every session (default 3 days).")
    List<String> expiries = new ArrayList<>();

    @Option(names = "--sts-fetch-error", paramLabel = "DOMAIN@DAY[+DAYS]",
        description = "MTA-STS policy fetch fails: sts-policy-fetch-error for many sessions (default 2 days).")
    List<String> fetchErrors = new ArrayList<>();

    @Option(names = "--sts-withdrawn", paramLabel = "DOMAIN@DAY[+DAYS]",
        description = "MTA-STS policy withdrawn: the senders report DOMAIN's sessions under no-policy-found, all "
            + "successful (default 2 days).")
    List<String> withdrawals = new ArrayList<>();

    @Override
    public Integer call() {
        GeneratorSettings settings = settings();
        ReportGenerator generator = new ReportGenerator(settings);
        long started = System.nanoTime();
        long written;
        try {
            written = generator.writeTo(out);
        } catch (IOException e) {
            spec.commandLine().getErr().println("tlsrpt generate: cannot write to " + out + ": " + e);
            return 1;
        }
        PrintWriter err = spec.commandLine().getErr();
        List<String> names = generator.domainNames();
        err.printf("tlsrpt generate: %d files for %d domains over %d days from %s in %d ms into %s; domains: %s%s%n",
            written, names.size(), settings.days(), settings.startDate(),
            Duration.ofNanos(System.nanoTime() - started).toMillis(), out,
            String.join(", ", names.subList(0, Math.min(10, names.size()))), names.size() > 10 ? ", ..." : "");
        err.flush();
        return 0;
    }

    /** The settings from the options; a bad value is a usage error (exit 2). */
    GeneratorSettings settings() {
        try {
            List<Scenario> scenarios = new ArrayList<>();
            downgrades.forEach(s -> scenarios.add(Scenario.parse(Scenario.Kind.DOWNGRADE, s, startDate)));
            expiries.forEach(s -> scenarios.add(Scenario.parse(Scenario.Kind.CERTIFICATE_EXPIRY, s, startDate)));
            fetchErrors.forEach(s -> scenarios.add(Scenario.parse(Scenario.Kind.STS_FETCH_ERROR, s, startDate)));
            withdrawals.forEach(s -> scenarios.add(Scenario.parse(Scenario.Kind.STS_WITHDRAWN, s, startDate)));
            return new GeneratorSettings(seed, startDate, days, domains, scenarios);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}
