package io.tlsrpt.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

import io.tlsrpt.generate.ExpectedReport;
import io.tlsrpt.generate.GeneratedInput;
import org.junit.jupiter.api.Test;

class WorkloadTest {

    @Test
    void theWarmUpCoversTheDaysJustBeforeTheMeasuredOnesWithOtherReports() {
        Workload measured = new Workload(900, 100, 0.05, 8460L);
        Workload warmUp = measured.precededBy(1_500);

        assertThat(warmUp.reports()).isEqualTo(1_500);
        assertThat(warmUp.domains()).isEqualTo(measured.domains());
        assertThat(warmUp.seed()).isNotEqualTo(measured.seed());
        LocalDate warmLast = warmUp.startDate().plusDays(warmUp.days() - 1L);
        assertThat(warmLast).isEqualTo(measured.startDate().minusDays(1));

        Set<String> measuredIds = new HashSet<>();
        LocalDate firstMeasuredDay = null;
        for (Iterator<GeneratedInput> it = measured.inputs(); it.hasNext(); ) {
            ExpectedReport r = it.next().expected();
            measuredIds.add(r.organizationName() + "|" + r.reportId());
            firstMeasuredDay = firstMeasuredDay == null || r.day().isBefore(firstMeasuredDay) ? r.day() : firstMeasuredDay;
        }
        long warmCount = 0;
        for (Iterator<GeneratedInput> it = warmUp.inputs(); it.hasNext(); warmCount++) {
            ExpectedReport r = it.next().expected();
            // neither a duplicate of a measured report nor on a measured day (the measured ones are never late)
            assertThat(measuredIds).doesNotContain(r.organizationName() + "|" + r.reportId());
            assertThat(r.day()).isBefore(firstMeasuredDay);
        }
        assertThat(warmCount).isEqualTo(1_500);
        assertThat(measuredIds).hasSize(900);
    }

    /**
     * The warm-up's other seed makes other traffic, not other domains: a domain that published MTA-STS in the
     * warm-up and none in the measured days raised an alert about a withdrawal that never happened (1,842 of them
     * in one bench run before the profiles kept their seed).
     */
    @Test
    void theWarmUpKeepsTheDomainsAsTheyAre() {
        Workload measured = new Workload(3_000, 200, 0, 8460L);
        Set<String> measuredWithoutMtaSts = googleNoPolicyFound(measured.inputs());
        Set<String> warmUpWithoutMtaSts = googleNoPolicyFound(measured.precededBy(3_000).inputs());
        assertThat(measuredWithoutMtaSts).hasSizeBetween(20, 60).isEqualTo(warmUpWithoutMtaSts);
        assertThat(googleNoPolicyFound(new Workload(3_000, 200, 0, 8461L).inputs()))
                .as("another seed of its own draws other domains").isNotEqualTo(measuredWithoutMtaSts);
    }

    private static Set<String> googleNoPolicyFound(Iterator<GeneratedInput> inputs) {
        Set<String> domains = new TreeSet<>();
        while (inputs.hasNext()) {
            ExpectedReport r = inputs.next().expected();
            if (r.organizationName().startsWith("Google")) {
                r.policies().stream().filter(p -> p.type().equals("no-policy-found"))
                        .forEach(p -> domains.add(p.domain()));
            }
        }
        return domains;
    }
}
