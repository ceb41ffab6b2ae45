package io.tlsrpt.cli;

import java.io.OutputStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code bin/tlsrpt}: one sub-command per task. */
@Command(
    name = "tlsrpt",
    mixinStandardHelpOptions = true,
    version = "tlsrpt 0.1.0",
    description = "SMTP TLS Reporting (RFC 8460): decode reports, run the Kafka pipeline, check records.",
    subcommands = {
        CommandLine.HelpCommand.class,
        ParseCommand.class,
        GenerateCommand.class,
        AnalyzeCommand.class,
        RunCommand.class,
        BenchCommand.class,
        io.tlsrpt.cli.check.CheckRecordCommand.class,
        io.tlsrpt.cli.mailbox.CheckMailboxCommand.class,
        io.tlsrpt.cli.deadletter.DeadLettersCommand.class,
        io.tlsrpt.cli.alerts.AlertsCommand.class,
        io.tlsrpt.cli.domains.DomainsCommand.class,
        io.tlsrpt.cli.domains.DomainCommand.class,
        io.tlsrpt.cli.domains.IncidentsCommand.class,
        io.tlsrpt.cli.reports.ReportsCommand.class,
        io.tlsrpt.cli.digest.DigestCommand.class,
        io.tlsrpt.cli.watch.WatchCommand.class,
        io.tlsrpt.cli.watch.PostureCommand.class,
    })
public final class TlsRptCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(printingTo(System.out, System.err).execute(args));
    }

    /**
     * The command line printing to these streams through {@link TerminalSafeWriter}: what a report, a DNS record or a
     * certificate says is shown, never obeyed by the terminal.
     */
    static CommandLine printingTo(OutputStream out, OutputStream err) {
        CommandLine cmd = newCommandLine();
        cmd.setOut(TerminalSafeWriter.around(out));
        cmd.setErr(TerminalSafeWriter.around(err));
        // the help's colours are escape sequences too, which the writer would show as U+FFFD
        cmd.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        return cmd;
    }

    /** The configured command line, for tests that run commands in-process. */
    public static CommandLine newCommandLine() {
        CommandLine cmd = new CommandLine(new TlsRptCli());
        // usage errors exit 2, as every sub-command documents
        cmd.setExitCodeExceptionMapper(ex -> ex instanceof CommandLine.ParameterException ? 2 : 1);
        return cmd;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a sub-command is required");
    }
}
