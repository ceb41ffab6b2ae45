package io.tlsrpt.cli.check;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Type;

/**
 * A real dnsmasq (Debian package {@code dnsmasq}, installed by .ci/run) on a free 127.0.0.1 port, serving the
 * records the test gives it. It runs under {@code timeout} so that it stops by itself if the test JVM dies.
 */
final class Dnsmasq implements AutoCloseable {

    private static final List<String> LOCATIONS = List.of("/usr/sbin/dnsmasq", "/usr/bin/dnsmasq", "/sbin/dnsmasq");
    /** Hard limit on the process' life, far above a test class' run time. */
    private static final String MAX_LIFETIME_SECONDS = "600";

    private final Process process;
    private final int port;
    private final Path log;

    private Dnsmasq(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts dnsmasq with a generated configuration file (its syntax keeps commas inside "..." together, which TXT
     * records need; a line holds at most about 1000 characters) and extra command-line options (no length limit,
     * but commas always split TXT strings); fails the test (never skips) when dnsmasq is not installed.
     */
    static Dnsmasq start(List<String> configLines, List<String> options, String probeName) throws IOException {
        String binary = LOCATIONS.stream().filter(p -> new File(p).canExecute()).findFirst().orElseThrow(() ->
            new AssertionError("dnsmasq is not installed (looked in " + LOCATIONS + "): the check-record DNS tests need "
                + "it; install it with 'apt-get install -y dnsmasq' (.ci/run does this)"));
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freeUdpAndTcpPort();
            Path log = Files.createTempFile("dnsmasq-" + port + "-", ".log");
            Path conf = Files.createTempFile("dnsmasq-" + port + "-", ".conf");
            Files.write(conf, configLines);
            conf.toFile().deleteOnExit();
            List<String> cmd = new ArrayList<>(List.of("timeout", MAX_LIFETIME_SECONDS, binary,
                "--keep-in-foreground", "--conf-file=" + conf, "--port=" + port, "--listen-address=127.0.0.1",
                "--bind-interfaces", "--no-resolv", "--no-hosts", "--pid-file=", "--log-facility=-", "--log-queries"));
            cmd.addAll(options);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Dnsmasq d = new Dnsmasq(p, port, log);
            try {
                DnsClient probe = DnsClient.at(d.address(), Duration.ofMillis(500));
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> !p.isAlive() || probe.query(probeName, Type.TXT).outcome().answered());
                if (p.isAlive()) {
                    return d;
                }
                last = new IOException("dnsmasq exited with " + p.exitValue() + ": " + Files.readString(log)
                    + "\nconfiguration:\n" + String.join("\n", configLines) + "\noptions: " + options);
            } catch (RuntimeException e) {
                d.close();
                throw new IOException("dnsmasq did not answer on port " + port + ": " + Files.readString(log), e);
            }
        }
        throw last;
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** The --resolver option value for the command line. */
    String hostPort() {
        return "127.0.0.1:" + port;
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new IllegalStateException("cannot delete " + log, e);
        }
    }

    static int freeUdpAndTcpPort() throws IOException {
        for (int i = 0; i < 20; i++) {
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                int port = udp.getLocalPort();
                try {
                    // opened and closed at once: only whether the TCP side is free matters
                    new ServerSocket(port, 1, InetAddress.getLoopbackAddress()).close();
                    return port;
                } catch (IOException busy) {
                    // TCP side taken: try another port
                }
            }
        }
        throw new IOException("no free port for UDP and TCP on 127.0.0.1");
    }
}
