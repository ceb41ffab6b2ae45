package io.tlsrpt.processor.app;

import com.sun.net.httpserver.HttpServer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads and timeouts for the JDK's HTTP server, which reads each request (and with TLS makes the handshake) on a
 * thread of its executor with blocking reads, and without an executor on its only thread: a client that stalls
 * mid-request holds that thread, by default for good. Here threads are made on demand up to a maximum (then requests
 * queue) and end after a minute idle, and the request and response timeouts are set, so that a few stalled clients
 * leave threads for the kubelet's probes and Prometheus' scrape and are cut after {@link #REQUEST_SECONDS}.
 */
public final class HttpServerThreads {

    /** Longest a client may take to send its request, and to take the response (the JDK server's JVM-wide keys). */
    static final int REQUEST_SECONDS = 10;
    static final int RESPONSE_SECONDS = 30;
    /** The JDK server's JVM-wide switch for TCP_NODELAY on its connections (off by default). */
    static final String NO_DELAY = "sun.net.httpserver.nodelay";

    private HttpServerThreads() {
    }

    /**
     * Sets the timeouts and TCP_NODELAY, before the server is created: the JDK reads them once, when the first server
     * of the JVM is created; unless the operator or an earlier server of this JVM (the ingest connector's, in
     * {@code tlsrpt run}) did. Without TCP_NODELAY the server's answer (its headers and its body written apart) waits
     * for the client's delayed ACK: about 40 ms more on every query of a kept-alive connection, measured by
     * {@code tlsrpt bench} (BENCHMARKS.md, "The processor's HTTP queries").
     */
    public static void setServerProperties() {
        setIfAbsent("sun.net.httpserver.maxReqTime", Integer.toString(REQUEST_SECONDS));
        setIfAbsent("sun.net.httpserver.maxRspTime", Integer.toString(RESPONSE_SECONDS));
        setIfAbsent(NO_DELAY, "true");
    }

    /**
     * Gives {@code server} (created after {@link #setServerProperties}) an executor of up to {@code maxThreads} daemon threads
     * named {@code name-N}, returned for shutting down with the server.
     */
    public static ExecutorService serve(HttpServer server, String name, int maxThreads) {
        AtomicInteger threads = new AtomicInteger();
        // up to maxThreads threads, then a queue: a pool whose core is its maximum, with idle core threads ended
        ThreadPoolExecutor pool = new ThreadPoolExecutor(maxThreads, maxThreads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, name + "-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        server.setExecutor(pool);
        return pool;
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
