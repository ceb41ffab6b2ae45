package io.tlsrpt.generate;

import java.util.SplittableRandom;

/** Seeded random streams: one independent stream per (seed, coordinates), so any day can be generated alone. */
final class Randoms {

    private Randoms() {
    }

    static SplittableRandom of(long seed, long... coordinates) {
        long h = mix(seed);
        for (long c : coordinates) {
            h = mix(h + 0x9E3779B97F4A7C15L * (c + 1));
        }
        return new SplittableRandom(h);
    }

    /** exp(N(mu, sigma)). */
    static double logNormal(SplittableRandom rnd, double mu, double sigma) {
        return Math.exp(mu + sigma * rnd.nextGaussian());
    }

    /** A Poisson draw (Knuth for small means, a rounded normal approximation above 50). */
    static long poisson(SplittableRandom rnd, double mean) {
        if (mean <= 0) {
            return 0;
        }
        if (mean > 50) {
            return Math.max(0, Math.round(mean + Math.sqrt(mean) * rnd.nextGaussian()));
        }
        double limit = Math.exp(-mean);
        double product = rnd.nextDouble();
        long k = 0;
        while (product > limit) {
            product *= rnd.nextDouble();
            k++;
        }
        return k;
    }

    static String hex(SplittableRandom rnd, int digits, boolean upper) {
        StringBuilder sb = new StringBuilder(digits);
        String alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
        for (int i = 0; i < digits; i++) {
            sb.append(alphabet.charAt(rnd.nextInt(16)));
        }
        return sb.toString();
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
