package io.tlsrpt.testkafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A plain-text IMAP server as one that lacks a capability: relays 127.0.0.1 connections to a real server (GreenMail)
 * with {@code hidden} (e.g. {@code AUTH=XOAUTH2}) removed from every line the server sends, and keeps every line the
 * client sends, for a test to see what the client offered. Line by line: for the login phase, not for literals.
 */
public final class ImapCapabilityProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int upstreamPort;
    private final String hidden;
    private final List<String> clientLines = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    public ImapCapabilityProxy(int upstreamPort, String hidden) throws IOException {
        this.listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        this.upstreamPort = upstreamPort;
        this.hidden = hidden;
        Thread acceptor = new Thread(this::accept, "imap-capability-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Every line the clients sent, in order. */
    public List<String> clientLines() {
        return List.copyOf(clientLines);
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                sockets.add(client);
                sockets.add(server);
                relay("imap-proxy-up", client.getInputStream(), server.getOutputStream(), line -> {
                    clientLines.add(line);
                    return line;
                });
                relay("imap-proxy-down", server.getInputStream(), client.getOutputStream(),
                        line -> line.replace(" " + hidden, ""));
            } catch (IOException e) {
                return;   // closed
            }
        }
    }

    private interface LineRewrite {
        String apply(String line);
    }

    private static void relay(String name, InputStream from, OutputStream to, LineRewrite rewrite) {
        Thread pump = new Thread(() -> {
            try (from; to) {
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                for (int b = from.read(); b >= 0; b = from.read()) {
                    line.write(b);
                    if (b == '\n') {
                        to.write(rewrite.apply(line.toString(StandardCharsets.ISO_8859_1))
                                .getBytes(StandardCharsets.ISO_8859_1));
                        to.flush();
                        line.reset();
                    }
                }
            } catch (IOException e) {
                // one side closed: the other is closed by the try
            }
        }, name);
        pump.setDaemon(true);
        pump.start();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
