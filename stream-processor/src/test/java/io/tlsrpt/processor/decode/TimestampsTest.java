package io.tlsrpt.processor.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The date-time forms read without DateTimeFormatter give what the formatter gives. */
class TimestampsTest {

    @Property(seed = "8460", tries = 2000)
    void theOffsetLessFormIsUtcAsLocalDateTimeReadsIt(@ForAll @IntRange(min = 0, max = 9999) int year,
                                                     @ForAll @IntRange(min = 1, max = 12) int month,
                                                     @ForAll @IntRange(min = 1, max = 31) int day,
                                                     @ForAll @IntRange(min = 0, max = 23) int hour,
                                                     @ForAll @IntRange(min = 0, max = 59) int minute,
                                                     @ForAll @IntRange(min = 0, max = 59) int second) {
        String text = String.format("%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, hour, minute, second);
        Set<Deviation> deviations = EnumSet.noneOf(Deviation.class);
        Instant parsed = Timestamps.parseText(text, deviations);
        Instant expected;
        try {
            expected = LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
        } catch (java.time.format.DateTimeParseException invalidDay) {
            assertThat(parsed).as(text).isNull();  // the 31st of a shorter month, 29 February of a common year
            return;
        }
        assertThat(parsed).as(text).isEqualTo(expected);
        assertThat(deviations).containsExactly(Deviation.TIMESTAMP_NO_OFFSET);
    }

    @Test
    void whatIsNotTheExactFormTakesTheLenientWay() {
        Set<Deviation> lowerCase = EnumSet.noneOf(Deviation.class);
        assertThat(Timestamps.parseText("2025-01-01t00:00:00", lowerCase))
            .isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
        assertThat(lowerCase).containsExactly(Deviation.TIMESTAMP_NO_OFFSET);  // RFC 3339 allows a lower-case t
        Set<Deviation> blank = EnumSet.noneOf(Deviation.class);
        assertThat(Timestamps.parseText("2025-01-01 00:00:00", blank)).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
        assertThat(blank).containsExactlyInAnyOrder(Deviation.TIMESTAMP_NO_OFFSET, Deviation.TIMESTAMP_LENIENT);
        for (String invalid : new String[] {"2025-01-01T24:00:00", "2025-01-01T23:59:60", "2025-13-01T00:00:00",
            "2025-1-01T00:00:00", "2025-01-01T00:00:0x"}) {
            assertThat(Timestamps.parseText(invalid, EnumSet.noneOf(Deviation.class))).as(invalid).isNull();
        }
        Set<Deviation> common = EnumSet.noneOf(Deviation.class);
        assertThat(Timestamps.parseText("2025-01-01T23:59:59Z", common)).isEqualTo(Instant.parse("2025-01-01T23:59:59Z"));
        assertThat(common).isEmpty();
    }
}
