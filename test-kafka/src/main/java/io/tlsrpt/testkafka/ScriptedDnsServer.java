package io.tlsrpt.testkafka;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.function.Function;
import org.xbill.DNS.Message;

/**
 * A small UDP DNS server built on dnsjava's Message classes, for what dnsmasq cannot do by itself: answer SERVFAIL,
 * set the AD bit, or never answer (dnsmasq forwards zones to it with {@code --server=/zone/127.0.0.1#port}); or
 * a zone of its own, such as the DKIM keys of the connector's tests.
 */
public final class ScriptedDnsServer implements AutoCloseable {

    private final DatagramSocket socket;
    private final Thread thread;

    /** @param answer the response for a query, or null to stay silent */
    public ScriptedDnsServer(Function<Message, Message> answer) throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(() -> serve(answer), "scripted-dns-" + socket.getLocalPort());
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    private void serve(Function<Message, Message> answer) {
        byte[] buf = new byte[4096];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(packet);
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                Message response = answer.apply(query);
                if (response != null) {
                    byte[] out = response.toWire(1232);
                    socket.send(new DatagramPacket(out, out.length, packet.getSocketAddress()));
                }
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    throw new IllegalStateException("scripted DNS server failed", e);
                }
            }
        }
    }

    @Override
    public void close() {
        socket.close();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            // the test is being stopped: leave the flag for its runner
            Thread.currentThread().interrupt();
        }
    }
}
