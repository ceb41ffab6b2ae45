package io.tlsrpt.processor.detect;

import static io.tlsrpt.processor.detect.ReporterCadenceTest.daily;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReporterRenameTest {

    private static final SilenceSettings SETTINGS = SilenceSettings.defaults();

    @Test
    void namesAreRelatedByAWordThatIsNotGeneric() {
        assertThat(ReporterRename.namesRelated("Google Inc.", "Google LLC")).isTrue();
        assertThat(ReporterRename.namesRelated("Microsoft Corporation", "microsoft")).isTrue();
        assertThat(ReporterRename.namesRelated("mail.hostingco.example", "HostingCo GmbH")).isTrue();
        assertThat(ReporterRename.namesRelated("Google Inc.", "Yahoo Inc.")).as("only a generic word").isFalse();
        assertThat(ReporterRename.namesRelated("Mail Services", "Mail Inc")).isFalse();
        assertThat(ReporterRename.namesRelated("Google", "Goo")).as("whole words").isFalse();
        assertThat(ReporterRename.namesRelated("Inc.", "Inc.")).as("nothing but generic words").isFalse();
        assertThat(ReporterRename.words("Zürich Mail-Relay 24")).containsExactlyInAnyOrder("zürich", "relay");
    }

    @Test
    void aSuccessorReportsNowAndBeganAroundTheStoppedReportersLastReport() {
        ReporterCadence stopped = daily(10, 25);
        long newest = 29;
        assertThat(ReporterRename.succeeds("Google LLC", daily(26, 29), "Google Inc.", stopped, newest, SETTINGS))
                .isTrue();
        assertThat(ReporterRename.succeeds("Google LLC", daily(23, 29), "Google Inc.", stopped, newest, SETTINGS))
                .as("a change-over of less than silence.after.windows (3) windows").isTrue();
        assertThat(ReporterRename.succeeds("Google LLC", daily(22, 29), "Google Inc.", stopped, newest, SETTINGS))
                .as("began three windows before: a reporter of its own").isFalse();
        assertThat(ReporterRename.succeeds("Google LLC", daily(26, 26), "Google Inc.", stopped, newest, SETTINGS))
                .as("stopped too").isFalse();
        assertThat(ReporterRename.succeeds("Yahoo", daily(26, 29), "Google Inc.", stopped, newest, SETTINGS))
                .as("an unrelated name").isFalse();
        assertThat(ReporterRename.succeeds("Google Inc.", daily(26, 29), "Google Inc.", stopped, newest, SETTINGS))
                .as("itself").isFalse();
        ReporterCadence longStanding = daily(26, 29).seen(29 - 63);
        assertThat(longStanding.beganWithinHistory()).isFalse();
        assertThat(ReporterRename.succeeds("Google LLC", longStanding, "Google Inc.", stopped, newest, SETTINGS))
                .as("a report 63 windows back: its beginning is unknown").isFalse();
    }
}
