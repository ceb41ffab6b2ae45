package io.tlsrpt.processor.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Whatever the bytes, {@link ReportDecoder#decode} returns a {@code Decoded} with at least one report
 * or a {@code Rejected} with a reason and a message, and never throws. Inputs: arbitrary bytes, and
 * real reports (mails, gzip, JSON) with bits flipped, truncated, spliced or with bytes inserted.
 */
class DecoderRobustnessPropertyTest {

    private static final ReportDecoder DECODER = new ReportDecoder();

    /** The corpus in its delivered forms plus gzip and zip forms of the JSON reports. */
    private static final List<byte[]> SEEDS = List.of(
        Corpus.real("google-2024-09-15.eml"),
        Corpus.real("mailru-2023-01-25.eml"),
        Corpus.real("microsoft-2024-09-13-sts-tlsa.eml"),
        Corpus.real("not-a-report-cron-mail.eml"),
        Corpus.real("rfc8460-appendix-b.json"),
        Corpus.real("microsoft-2025-05-23-tlsa-double-encoded.json"),
        Corpus.real("microsoft-2025-06-14-no-ip-no-mx.json"),
        Corpus.real("contact-info-null.json"),
        Corpus.real("synthetic-unknown-policy-type-no-domain.json"),
        Fixtures.gzip(Corpus.real("rfc8460-appendix-b.json")),
        Fixtures.zip(java.util.Map.of("a.json", Corpus.real("contact-info-null.json"))));

    @Property(seed = "8460")
    void arbitraryBytesNeverThrow(@ForAll @Size(max = 2048) byte[] raw) {
        assertWellFormed(DECODER.decode(raw, DecodeHints.none()));
    }

    @Property(seed = "8460")
    void arbitraryBytesBehindReportMagicNeverThrow(@ForAll("magic") byte[] prefix, @ForAll @Size(max = 1024) byte[] rest) {
        assertWellFormed(DECODER.decode(Fixtures.concat(prefix, rest), DecodeHints.none()));
    }

    @Property(seed = "8460")
    void mutatedRealReportsNeverThrow(@ForAll("mutated") byte[] raw) {
        assertWellFormed(DECODER.decode(raw, DecodeHints.of("application/tlsrpt+gzip", "report.json.gz")));
    }

    @Provide
    Arbitrary<byte[]> magic() {
        return Arbitraries.of(new byte[] {0x1f, (byte) 0x8b, 8, 0}, new byte[] {'P', 'K', 3, 4}, Fixtures.utf8("{"),
            Fixtures.utf8("["), Fixtures.utf8("From: x@y\r\nContent-Type: multipart/report; boundary=b\r\n\r\n--b\r\n"),
            new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, '{'});
    }

    @Provide
    Arbitrary<byte[]> mutated() {
        Arbitrary<byte[]> seed = Arbitraries.of(SEEDS);
        Arbitrary<byte[]> flipped = Combinators.combine(seed, Arbitraries.integers().between(1, 16),
            Arbitraries.longs()).as((bytes, flips, salt) -> flip(bytes, flips, salt));
        Arbitrary<byte[]> truncated = Combinators.combine(seed, Arbitraries.doubles().between(0, 1))
            .as((bytes, at) -> Arrays.copyOf(bytes, (int) (bytes.length * at)));
        Arbitrary<byte[]> spliced = Combinators.combine(seed, seed, Arbitraries.doubles().between(0, 1),
            Arbitraries.doubles().between(0, 1)).as((a, b, x, y) -> Fixtures.concat(
            Arrays.copyOf(a, (int) (a.length * x)), Arrays.copyOfRange(b, (int) (b.length * y), b.length)));
        Arbitrary<byte[]> inserted = Combinators.combine(seed, Arbitraries.doubles().between(0, 1),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(64)).as((bytes, at, noise) -> {
                int cut = (int) (bytes.length * at);
                return Fixtures.concat(Arrays.copyOf(bytes, cut), noise, Arrays.copyOfRange(bytes, cut, bytes.length));
            });
        return Arbitraries.oneOf(flipped, truncated, spliced, inserted);
    }

    private static byte[] flip(byte[] bytes, int flips, long salt) {
        byte[] copy = bytes.clone();
        java.util.Random random = new java.util.Random(salt);
        for (int i = 0; i < flips && copy.length > 0; i++) {
            copy[random.nextInt(copy.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return copy;
    }

    private static void assertWellFormed(DecodeResult result) {
        assertThat(result).isNotNull();
        if (result instanceof DecodeResult.Decoded decoded) {
            assertThat(decoded.reports()).isNotEmpty().allSatisfy(report -> {
                assertThat(report.getOrganizationName()).isNotBlank();
                assertThat(report.getReportId()).isNotBlank();
                assertThat(report.getDedupKey()).hasSize(64);
            });
        } else {
            DecodeResult.Rejected rejected = (DecodeResult.Rejected) result;
            assertThat(rejected.reason()).isNotNull();
            assertThat(rejected.message()).isNotBlank();
            // a bug in the decoder shows up as decoder-error: the fuzzer must not find one
            assertThat(rejected.reason()).as(rejected.message()).isNotEqualTo(RejectReason.DECODER_ERROR);
        }
    }
}
