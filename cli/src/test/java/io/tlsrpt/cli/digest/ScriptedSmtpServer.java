package io.tlsrpt.cli.digest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An SMTP server on 127.0.0.1 that refuses on demand, for what GreenMail (which delivers the digests for real in
 * DomainsCommandIT) cannot do: answer a mail with a 421 or a 451 and close, refuse a recipient with a 550, count its
 * connections. It speaks the part of RFC 5321 that Jakarta Mail's client uses, one connection at a time, and stops
 * with the test.
 */
final class ScriptedSmtpServer implements AutoCloseable {

    private final ServerSocket server;
    private final Thread thread;
    private final AtomicInteger connections = new AtomicInteger();
    /** The recipients of each mail accepted, in order. */
    private final List<List<String>> accepted = Collections.synchronizedList(new ArrayList<>());
    /** Replies to the next MAIL commands, in order; 250 when none is left. A 421 also closes the connection. */
    private final Queue<String> mailReplies = new ConcurrentLinkedQueue<>();
    /** A recipient containing this is refused with a 550. */
    private volatile String refusedRecipient = "\0";

    ScriptedSmtpServer() throws IOException {
        server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "scripted-smtp");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    List<List<String>> accepted() {
        synchronized (accepted) {
            return List.copyOf(accepted);
        }
    }

    /** The next MAIL command gets {@code reply} (e.g. {@code 421 4.7.0 try again later}). */
    void refuseNextMail(String reply) {
        mailReplies.add(reply);
    }

    void refuseRecipientsContaining(String text) {
        refusedRecipient = text;
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket client = server.accept()) {
                connections.incrementAndGet();
                converse(client);
            } catch (IOException e) {
                // closed by close(), or the client went away: the next connection starts afresh
            }
        }
    }

    private void converse(Socket client) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
            StandardCharsets.US_ASCII));
        Writer out = new OutputStreamWriter(client.getOutputStream(), StandardCharsets.US_ASCII);
        reply(out, "220 scripted.test ESMTP");
        List<String> recipients = new ArrayList<>();
        String line;
        while ((line = in.readLine()) != null) {
            String command = line.length() < 4 ? line : line.substring(0, 4).toUpperCase(Locale.ROOT);
            switch (command) {
                case "EHLO", "HELO" -> reply(out, "250 scripted.test");
                case "MAIL" -> {
                    String answer = mailReplies.poll();
                    recipients.clear();
                    if (answer == null) {
                        reply(out, "250 2.1.0 OK");
                    } else {
                        reply(out, answer);
                        if (answer.startsWith("421")) {
                            return;   // the server closes the connection after a 421 (RFC 5321 3.8)
                        }
                    }
                }
                case "RCPT" -> {
                    if (line.contains(refusedRecipient)) {
                        reply(out, "550 5.1.1 no such mailbox");
                    } else {
                        recipients.add(line.substring(line.indexOf(':') + 1).trim());
                        reply(out, "250 2.1.5 OK");
                    }
                }
                case "DATA" -> {
                    reply(out, "354 end with <CRLF>.<CRLF>");
                    while ((line = in.readLine()) != null && !line.equals(".")) {
                        // the message itself: DigestMailTest reads what it holds
                    }
                    accepted.add(List.copyOf(recipients));
                    reply(out, "250 2.0.0 queued");
                }
                case "RSET", "NOOP" -> reply(out, "250 2.0.0 OK");
                case "QUIT" -> {
                    reply(out, "221 2.0.0 bye");
                    return;
                }
                default -> reply(out, "502 5.5.2 not implemented");
            }
        }
    }

    private static void reply(Writer out, String line) throws IOException {
        out.write(line + "\r\n");
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
