package io.tlsrpt.processor.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PoissonTailTest {

    @Test
    void matchesDirectSummationForSmallValues() {
        // P(X >= 3 | 1) = 1 - e^-1 (1 + 1 + 1/2)
        double exact = 1 - Math.exp(-1) * 2.5;
        assertThat(PoissonTail.log10UpperTail(3, 1.0)).isCloseTo(Math.log10(exact), within(1e-9));
    }

    @Test
    void tinyProbabilitiesStayFinite() {
        // P(X >= 10 | 0.01) ~ 0.01^10 / 10! e^-0.01
        double expected = 10 * Math.log10(0.01) - Math.log10(3628800) - 0.01 / Math.log(10);
        assertThat(PoissonTail.log10UpperTail(10, 0.01)).isCloseTo(expected, within(1e-3));
        assertThat(PoissonTail.log10UpperTail(100_000, 1.0)).isFinite().isLessThan(-400_000);
    }

    @Test
    void countAtOrBelowExpectationIsNotSurprising() {
        assertThat(PoissonTail.log10UpperTail(5, 5.0)).isZero();
        assertThat(PoissonTail.log10UpperTail(0, 0.0)).isZero();
    }

    @Test
    void largeLambdaNearTheMeanConverges() {
        // about one standard deviation above the mean: roughly 16 %
        double log10p = PoissonTail.log10UpperTail(10_100, 10_000);
        assertThat(Math.pow(10, log10p)).isBetween(0.14, 0.18);
    }

    @Test
    void lnFactorialIsContinuousAcrossTheTableBoundary() {
        double exact = 0;
        for (int i = 2; i <= 40; i++) {
            exact += Math.log(i);
        }
        assertThat(PoissonTail.lnFactorial(40)).isCloseTo(exact, within(1e-9));
    }
}
