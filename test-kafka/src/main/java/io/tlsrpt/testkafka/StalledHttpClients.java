package io.tlsrpt.testkafka;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Clients that connect to an HTTP server and stall mid-request (a request head never finished), as a broken proxy,
 * a slow network or a slowloris attack do: each holds a thread of a server that reads requests with blocking reads.
 */
public final class StalledHttpClients implements AutoCloseable {

    private final List<Socket> sockets = new ArrayList<>();

    private StalledHttpClients() {
    }

    /** {@code count} connections to {@code server}, each having sent part of a request head. */
    public static StalledHttpClients open(InetSocketAddress server, int count) throws IOException {
        StalledHttpClients clients = new StalledHttpClients();
        try {
            for (int i = 0; i < count; i++) {
                Socket socket = new Socket(server.getAddress(), server.getPort());
                clients.sockets.add(socket);
                OutputStream out = socket.getOutputStream();
                out.write("GET /metrics HTTP/1.1\r\nHost: tlsrpt\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            try {
                clients.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return clients;
    }

    /** Live threads of this JVM whose names start with {@code prefix} (a server's request threads). */
    public static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(prefix) && t.isAlive()).count();
    }

    /** How many are connected. */
    public int count() {
        return sockets.size();
    }

    @Override
    public void close() throws IOException {
        try {
            Closeables.closeAll(sockets.toArray(AutoCloseable[]::new));
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }
}
