package io.tlsrpt.processor.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoInstantsTest {

    @Test
    void agreesWithInstantParseOnRandomInstantsOfEveryPrecision() {
        SplittableRandom random = new SplittableRandom(8460);
        long from = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
        long to = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        int[] nanoSteps = {1_000_000_000, 1_000_000, 1_000, 1, 100, 10_000_000};
        for (int i = 0; i < 50_000; i++) {
            int step = nanoSteps[i % nanoSteps.length];
            Instant instant = Instant.ofEpochSecond(random.nextLong(from, to + 1),
                    step == 1_000_000_000 ? 0 : random.nextInt(1_000_000_000 / step) * step);
            String text = instant.toString();
            assertThat(IsoInstants.parse(text)).as(text).isEqualTo(Instant.parse(text)).isEqualTo(instant);
        }
    }

    @Test
    void otherFormsGiveWhatInstantParseGivesValueOrException() {
        for (String text : List.of("2026-11-28T23:59:60Z", "2026-11-28t10:00:00z", "2026-11-28T10:00:00.5Z",
                "2026-11-28T10:00:00.123456789Z", "2026-11-28T10:00:00+02:00", "+12026-11-28T10:00:00Z",
                "2026-02-30T10:00:00Z", "2026-02-29T10:00:00Z", "2024-02-29T10:00:00Z", "2026-11-28T24:00:00Z",
                "2026-11-28T10:00:00.Z", "2026-11-28T10:00:00.1234567890Z", "2026-13-01T00:00:00Z",
                "2026-11-28 10:00:00Z", "2026-1a-28T10:00:00Z", "", "not a date")) {
            assertThat(outcome(() -> IsoInstants.parse(text))).as(text).isEqualTo(outcome(() -> Instant.parse(text)));
        }
        assertThatThrownBy(() -> IsoInstants.parse("not a date")).isInstanceOf(DateTimeParseException.class);
    }

    /** The instant, or the exception's class. */
    private static Object outcome(java.util.function.Supplier<Instant> parse) {
        try {
            return parse.get();
        } catch (RuntimeException e) {
            return e.getClass();
        }
    }
}
