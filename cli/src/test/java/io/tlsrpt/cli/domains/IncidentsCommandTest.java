package io.tlsrpt.cli.domains;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** How {@code tlsrpt incidents} prints the processor's list (DomainCommandIT asks a real processor). */
class IncidentsCommandTest {

    @Test
    void oneLinePerIncidentAReporterStoppedSaysWhoAndSinceWhen() throws Exception {
        String list = """
            {"as_of":"2026-12-02T16:05:11Z","status":"open","tenant":"acme","domain":null,"partitions":3,
             "instances":["10.0.3.7:9464","10.0.3.9:9464"],"count":2,"incidents":[
              {"policy_domain":"shop.acme.example","tenant":"acme","alert_id":"a1","status":"firing",
               "kind":"certificate-expired","severity":"critical","result_type":"certificate-expired",
               "first_window_start":"2026-11-27T00:00:00Z","last_anomalous_window_start":"2026-11-28T00:00:00Z",
               "served_by":"10.0.3.9:9464"},
              {"policy_domain":"mail.acme.example","tenant":"acme","alert_id":"b2","status":"firing",
               "kind":"reports-stopped","severity":"warning","result_type":"none","reporter":"Google Inc.",
               "last_report_window_start":"2026-11-26T00:00:00Z","served_by":"10.0.3.7:9464"}]}
            """;
        StringWriter text = new StringWriter();
        IncidentsCommand.print(new ObjectMapper().readTree(list), new PrintWriter(text, true));
        assertThat(text.toString().lines().toList()).containsExactly(
            "2 open incidents of tenant acme, 3 partitions on 2 instances, as of 2026-12-02T16:05:11Z",
            "  shop.acme.example [acme]: firing   critical certificate-expired (certificate-expired) from 2026-11-27, "
                + "last anomalous 2026-11-28, alert_id a1",
            "  mail.acme.example [acme]: firing   warning  reports-stopped: no report from Google Inc. after "
                + "2026-11-26, alert_id b2");
    }

    @Test
    void aLimitedListCountsThemAllAndSaysHowManyItLists() throws Exception {
        String list = """
            {"as_of":"2026-12-02T16:05:11Z","status":"all","tenant":null,"domain":"example","partitions":4,
             "instances":["10.0.3.7:9464"],"count":523,"limit":1,"after":null,"remaining":522,"next":"WyJmaXJpbmciXQ",
             "incidents":[
              {"policy_domain":"shop.example","tenant":null,"alert_id":"a1","status":"firing",
               "kind":"certificate-expired","severity":"critical","result_type":"certificate-expired",
               "first_window_start":"2026-11-27T00:00:00Z","last_anomalous_window_start":"2026-11-28T00:00:00Z",
               "served_by":"10.0.3.7:9464"}]}
            """;
        StringWriter text = new StringWriter();
        IncidentsCommand.print(new ObjectMapper().readTree(list), new PrintWriter(text, true));
        assertThat(text.toString().lines().toList()).containsExactly(
            "523 incidents under example, the 1 most urgent listed, 4 partitions on 1 instances, as of "
                + "2026-12-02T16:05:11Z",
            "  shop.example: firing   critical certificate-expired (certificate-expired) from 2026-11-27, "
                + "last anomalous 2026-11-28, alert_id a1",
            "522 more after these: --after WyJmaXJpbmciXQ");
    }

    @Test
    void aPageAfterACursorSaysSoAndTheLastPageEndsWithoutOne() throws Exception {
        String list = """
            {"as_of":"2026-12-02T16:05:11Z","status":"open","tenant":null,"domain":null,"partitions":4,
             "instances":["10.0.3.7:9464"],"count":523,"limit":400,"after":"WyJmaXJpbmciXQ","remaining":0,
             "next":null,"incidents":[
              {"policy_domain":"shop.example","tenant":null,"alert_id":"a1","status":"firing",
               "kind":"certificate-expired","severity":"critical","result_type":"certificate-expired",
               "first_window_start":"2026-11-27T00:00:00Z","last_anomalous_window_start":"2026-11-28T00:00:00Z",
               "served_by":"10.0.3.7:9464"}]}
            """;
        StringWriter text = new StringWriter();
        IncidentsCommand.print(new ObjectMapper().readTree(list), new PrintWriter(text, true));
        assertThat(text.toString().lines().toList()).containsExactly(
            "523 open incidents, 1 listed after the cursor, 4 partitions on 1 instances, as of 2026-12-02T16:05:11Z",
            "  shop.example: firing   critical certificate-expired (certificate-expired) from 2026-11-27, "
                + "last anomalous 2026-11-28, alert_id a1");
    }
}
