package io.tlsrpt.cli.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A closed-loop HTTP/1.1 load generator like wrk: a fixed number of keep-alive connections, each a thread that POSTs
 * the same body again and again and waits for the whole answer before the next request. Latency is measured per
 * request from the first byte written to the last byte of the answer read.
 */
final class HttpLoad {

    private static final Logger LOG = LoggerFactory.getLogger(HttpLoad.class);

    /** The outcome of one run. */
    record Result(long created, long otherStatus, long ioErrors, double seconds, long[] sortedLatencyMicros) {
        double requestsPerSecond() {
            return created / seconds;
        }

        long percentileMicros(double p) {
            if (sortedLatencyMicros.length == 0) {
                return -1;
            }
            int i = (int) Math.ceil(p / 100 * sortedLatencyMicros.length) - 1;
            return sortedLatencyMicros[Math.max(0, Math.min(sortedLatencyMicros.length - 1, i))];
        }
    }

    private HttpLoad() {
    }

    /**
     * Runs {@code connections} connections against 127.0.0.1:port for warm-up then measurement; only the
     * measurement counts.
     */
    static Result run(int port, String path, String contentType, byte[] body, int connections, long warmupMillis,
                      long measureMillis) throws InterruptedException {
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: " + contentType
            + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, request, head.length, body.length);

        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong created = new AtomicLong();
        AtomicLong other = new AtomicLong();
        AtomicLong ioErrors = new AtomicLong();
        List<long[]> perThread = new ArrayList<>();
        int[] counts = new int[connections];
        CountDownLatch done = new CountDownLatch(connections);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            long[][] holder = {new long[4096]};
            perThread.add(null);
            int index = c;
            Thread t = new Thread(() -> {
                try {
                    Socket socket = null;
                    while (!stop.get()) {
                        try {
                            if (socket == null) {
                                socket = new Socket();
                                socket.setTcpNoDelay(true);
                                socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                                socket.setSoTimeout(30_000);
                            }
                            OutputStream out = socket.getOutputStream();
                            InputStream in = new BufferedInputStream(socket.getInputStream(), 1024);
                            while (!stop.get()) {
                                long t0 = System.nanoTime();
                                out.write(request);
                                out.flush();
                                Answer a = readAnswer(in);
                                long micros = (System.nanoTime() - t0) / 1_000;
                                if (measuring.get()) {
                                    if (a.status == 201) {
                                        created.incrementAndGet();
                                        if (counts[index] == holder[0].length) {
                                            holder[0] = Arrays.copyOf(holder[0], holder[0].length * 2);
                                        }
                                        holder[0][counts[index]++] = micros;
                                    } else {
                                        other.incrementAndGet();
                                    }
                                }
                                if (a.close) {
                                    break;
                                }
                            }
                        } catch (IOException e) {
                            if (measuring.get()) {
                                ioErrors.incrementAndGet();
                            }
                            LOG.debug("connection {} failed: {}", index, e.toString());
                        }
                        if (socket != null) {
                            try {
                                socket.close();
                            } catch (IOException e) {
                                LOG.debug("close failed: {}", e.toString());
                            }
                            socket = null;
                        }
                    }
                } finally {
                    synchronized (perThread) {
                        perThread.set(index, Arrays.copyOf(holder[0], counts[index]));
                    }
                    done.countDown();
                }
            }, "tlsrpt-load-" + c);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        Thread.sleep(warmupMillis);
        measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep(measureMillis);
        measuring.set(false);
        double seconds = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        done.await();
        long[] all = perThread.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new Result(created.get(), other.get(), ioErrors.get(), seconds, all);
    }

    private record Answer(int status, boolean close) {
    }

    /** Reads a status line, headers and a Content-Length body (or none). */
    private static Answer readAnswer(InputStream in) throws IOException {
        String status = line(in);
        if (status == null) {
            throw new IOException("connection closed by the server");
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = 0;
        boolean close = false;
        String h;
        while ((h = line(in)) != null && !h.isEmpty()) {
            int colon = h.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = h.substring(0, colon).trim();
            String value = h.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                length = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
                close = true;
            }
        }
        for (long left = length; left > 0; ) {
            long n = in.skip(left);
            if (n <= 0) {
                if (in.read() < 0) {
                    throw new IOException("truncated answer body");
                }
                n = 1;
            }
            left -= n;
        }
        return new Answer(code, close);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            sb.append((char) b);
        }
        return sb.length() == 0 ? null : sb.toString();
    }
}
