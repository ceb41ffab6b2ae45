package io.tlsrpt.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A free port on 127.0.0.1 for a server that must be told its port before it binds (the embedded broker's listeners,
 * whose controller port goes in its quorum voters). Taken below the system's ephemeral range: a port the system
 * hands out for binding port 0 is also one it hands out as the local port of outgoing connections, and between our
 * check and the server's bind a client's connection took it (CI run 180: the benchmark's broker could not bind its
 * controller). Below the range only other listeners compete, each choosing at random.
 */
public final class ListenPorts {

    /** The system's range when {@code /proc} does not say (Linux's default). */
    private static final int DEFAULT_EPHEMERAL_LOW = 32768;
    /** How many ports below the ephemeral range are chosen from. */
    private static final int SPAN = 10_000;
    private static final int ATTEMPTS = 64;

    private ListenPorts() {
    }

    /**
     * A port nothing listens on now, not one of {@code avoid}.
     *
     * @throws UncheckedIOException when none is found
     */
    public static int free(Integer... avoid) {
        Set<Integer> taken = Set.of(avoid);
        int high = ephemeralLow() - 1;
        int low = Math.max(1024, high - SPAN);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(low, high + 1);
            if (!taken.contains(port) && bindable(port)) {
                return port;
            }
        }
        // a crowded range: the system's choice, as before
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                if (!taken.contains(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free port on 127.0.0.1", e);
            }
        }
        throw new UncheckedIOException(new IOException("no free port on 127.0.0.1"));
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);   // as the servers bind: a port in TIME_WAIT is free for them
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The low end of the system's ephemeral port range. */
    static int ephemeralLow() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"), StandardCharsets.US_ASCII);
            int low = Integer.parseInt(range.trim().split("\\s+")[0]);
            return low > 1024 + 100 ? low : DEFAULT_EPHEMERAL_LOW;
        } catch (IOException | RuntimeException e) {
            return DEFAULT_EPHEMERAL_LOW;
        }
    }
}
