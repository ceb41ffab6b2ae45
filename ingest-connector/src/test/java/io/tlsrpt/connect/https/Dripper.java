package io.tlsrpt.connect.https;

import java.io.IOException;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The slowloris: every interval it writes the next byte of each connection's script, forever (the script is
 * repeated from a given position so a body or header never ends). A connection whose write fails was cut by the
 * server and is left alone from then on.
 */
final class Dripper implements AutoCloseable {
    private record Victim(Socket socket, byte[] script, int repeatFrom, AtomicInteger next) {
    }

    private final List<Victim> victims = new CopyOnWriteArrayList<>();
    private final AtomicInteger cut = new AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "test-dripper");
        t.setDaemon(true);
        return t;
    });

    Dripper(long intervalMillis) {
        timer.scheduleWithFixedDelay(this::dripOnce, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /** Sends the first {@code alreadySent} bytes at once, then one more byte per interval. */
    void add(Socket socket, byte[] script, int alreadySent, int repeatFrom) throws IOException {
        socket.getOutputStream().write(script, 0, alreadySent);
        socket.getOutputStream().flush();
        victims.add(new Victim(socket, script, repeatFrom, new AtomicInteger(alreadySent)));
    }

    /** Connections whose next write failed: the server hung up on them. */
    int cutByServer() {
        return cut.get();
    }

    private void dripOnce() {
        for (Victim v : victims) {
            int i = v.next().getAndIncrement();
            int at = i < v.script().length ? i
                    : v.repeatFrom() + (i - v.script().length) % (v.script().length - v.repeatFrom());
            try {
                v.socket().getOutputStream().write(v.script()[at]);
                v.socket().getOutputStream().flush();
            } catch (IOException e) {
                victims.remove(v);
                cut.incrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
