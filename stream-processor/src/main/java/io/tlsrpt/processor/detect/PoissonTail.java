package io.tlsrpt.processor.detect;

/** Upper tail of the Poisson distribution, computed in log space so that tiny probabilities stay exact enough. */
public final class PoissonTail {

    private static final double LN10 = Math.log(10);
    private static final int MAX_TERMS = 1_000_000;

    private PoissonTail() {
    }

    /**
     * log10 P(X >= k) for X ~ Poisson(lambda). Returns 0 (probability 1) when k <= lambda: a count at or
     * under its expectation is never surprising, and the series below only converges fast above it.
     */
    public static double log10UpperTail(long k, double lambda) {
        if (k <= 0 || k <= lambda) {
            return 0.0;
        }
        if (lambda <= 0) {
            return Double.NEGATIVE_INFINITY;
        }
        // ln pmf(k) = -lambda + k ln(lambda) - ln(k!); the following terms shrink by lambda/(i+1) < 1
        double lnFirst = -lambda + k * Math.log(lambda) - lnFactorial(k);
        double sum = 1.0;
        double term = 1.0;
        for (long i = k + 1; i < k + MAX_TERMS; i++) {
            term *= lambda / i;
            sum += term;
            if (term < sum * 1e-16) {
                break;
            }
        }
        return Math.min(0.0, (lnFirst + Math.log(sum)) / LN10);
    }

    /** ln(n!) by Stirling's series (exact table for small n). */
    static double lnFactorial(long n) {
        if (n < 2) {
            return 0.0;
        }
        if (n < 32) {
            double r = 0;
            for (int i = 2; i <= n; i++) {
                r += Math.log(i);
            }
            return r;
        }
        double x = n;
        return x * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI * x)
                + 1 / (12 * x) - 1 / (360 * x * x * x) + 1 / (1260 * Math.pow(x, 5));
    }
}
