package io.tlsrpt.oauth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An identity provider's answer read whole, within a deadline and up to a size. A request's own timeout bounds the
 * wait for the answer's headers only: a provider (or a proxy) that sends headers and then stalls the body would hold
 * the reading thread for good, and with it every token or key read after.
 */
final class BoundedAnswer {

    private BoundedAnswer() {
    }

    /** The body passed its cap. */
    static final class TooLargeAnswer extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeAnswer(int cap) {
            super("an answer of more than " + cap + " bytes");
        }
    }

    /**
     * The answer to {@code request}, its body at most {@code maxBytes}: {@link TooLargeAnswer} when it is larger, an
     * {@link HttpTimeoutException} when it is not whole within {@code deadline} (connecting, headers and body; the
     * exchange is then abandoned).
     */
    static HttpResponse<byte[]> send(HttpClient http, HttpRequest request, int maxBytes, Duration deadline)
            throws IOException {
        CompletableFuture<HttpResponse<byte[]>> answer = http.sendAsync(request, info -> new Capped(maxBytes));
        try {
            return answer.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new HttpTimeoutException(request.uri() + " gave no whole answer within " + deadline);
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + request.uri(), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Error error) {
                throw error;
            }
            throw cause instanceof IOException io ? io : new IOException(String.valueOf(cause), cause);
        }
    }

    /** Collects a body up to a cap; past it, cancels the download and fails. */
    private static final class Capped implements HttpResponse.BodySubscriber<byte[]> {
        private final int cap;
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        Capped(int cap) {
            this.cap = cap;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                if (body.isDone()) {
                    return;
                }
                if ((long) bytes.size() + buffer.remaining() > cap) {
                    subscription.cancel();
                    body.completeExceptionally(new TooLargeAnswer(cap));
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable error) {
            body.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toByteArray());
        }
    }
}
