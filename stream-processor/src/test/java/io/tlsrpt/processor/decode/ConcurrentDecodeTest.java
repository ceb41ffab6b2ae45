package io.tlsrpt.processor.decode;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.schema.AvroJson;
import io.tlsrpt.schema.TlsReport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One decoder shared by several threads gives every thread the same answers as a lone caller. */
class ConcurrentDecodeTest {

    private static final String[] FILES = {"google-2024-09-15.eml", "mailru-2023-01-25.eml",
        "microsoft-2024-09-13-sts-tlsa.eml", "not-a-report-cron-mail.eml", "rfc8460-appendix-b.json",
        "microsoft-2025-05-23-tlsa-double-encoded.json", "contact-info-null.json"};

    @Test
    void sharedDecoderIsThreadSafe() throws Exception {
        ReportDecoder decoder = new ReportDecoder();
        List<String> expected = new ArrayList<>();
        for (String file : FILES) {
            expected.add(render(decoder.decode(Corpus.real(file), DecodeHints.of(null, file))));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<String>>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> {
                    List<String> seen = new ArrayList<>();
                    for (int round = 0; round < 25; round++) {
                        for (String file : FILES) {
                            seen.add(render(decoder.decode(Corpus.real(file), DecodeHints.of(null, file))));
                        }
                    }
                    return seen;
                }));
            }
            for (Future<List<String>> future : futures) {
                List<String> seen = future.get(60, TimeUnit.SECONDS);
                for (int i = 0; i < seen.size(); i++) {
                    assertThat(seen.get(i)).isEqualTo(expected.get(i % FILES.length));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String render(DecodeResult result) {
        if (result instanceof DecodeResult.Decoded decoded) {
            StringBuilder out = new StringBuilder();
            for (TlsReport report : decoded.reports()) {
                out.append(AvroJson.toJson(report)).append('\n');
            }
            return out.toString();
        }
        return result.toString();
    }
}
