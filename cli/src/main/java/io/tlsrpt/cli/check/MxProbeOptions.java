package io.tlsrpt.cli.check;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Whether and how a command probes the MX hosts' STARTTLS ({@code @Mixin} of {@code check-record} and {@code watch}). */
public final class MxProbeOptions {

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    @Option(names = "--probe-mx",
        description = "also connect to each MX host as a sender would (SMTP on --smtp-port, EHLO, STARTTLS, a TLS "
            + "handshake naming the host) at each of its IPv4 addresses and judge its certificate: expiry, trusted "
            + "chain, host name, TLSA records. Off by "
            + "default: port 25 is often closed to outgoing connections (an MX that cannot be reached is not a "
            + "finding)")
    boolean probeMx;

    @Option(names = "--probe-ipv6",
        description = "with --probe-mx, probe each MX host's IPv6 addresses (AAAA) too. Off by default: where this "
            + "machine has no IPv6 route, every IPv6 address would be unreachable, and an unreachable address leaves "
            + "the probes' findings unknown (nothing resolves)")
    boolean probeIpv6;

    @Option(names = "--smtp-port", paramLabel = "PORT", defaultValue = "25",
        description = "the MX hosts' SMTP port for --probe-mx (default: ${DEFAULT-VALUE})")
    int smtpPort;

    @Option(names = "--helo-name", paramLabel = "NAME",
        description = "the name the --probe-mx connections introduce themselves with in EHLO (default: this "
            + "machine's host name)")
    String heloName;

    /** The probe, or null without {@code --probe-mx}; its trust and resolver are those of {@code lookup}. */
    public SmtpTlsProbe probe(CheckOptions lookup) {
        if (smtpPort < 1 || smtpPort > 65535) {
            throw new CommandLine.ParameterException(mixee.commandLine(), "--smtp-port must be a port number");
        }
        if (probeIpv6 && !probeMx) {
            throw new CommandLine.ParameterException(mixee.commandLine(), "--probe-ipv6 needs --probe-mx");
        }
        return probeMx ? lookup.mxProbe(smtpPort, heloName == null ? localName() : heloName, probeIpv6) : null;
    }

    private static String localName() {
        try {
            return java.net.InetAddress.getLocalHost().getCanonicalHostName();
        } catch (java.net.UnknownHostException e) {
            org.slf4j.LoggerFactory.getLogger(MxProbeOptions.class)
                .debug("this machine's name does not resolve; EHLO says tlsrpt-watch.invalid", e);
            return "tlsrpt-watch.invalid";
        }
    }
}
