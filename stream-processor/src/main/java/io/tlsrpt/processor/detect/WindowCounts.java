package io.tlsrpt.processor.detect;

/**
 * Failed sessions of one result type and the domain's total sessions (successful + failed, all policies)
 * in one window. Reports are not always consistent, so the total is never taken below the failures.
 */
public record WindowCounts(long failed, long total) {

    public WindowCounts {
        if (failed < 0 || total < 0) {
            throw new IllegalArgumentException("negative session counts: " + failed + "/" + total);
        }
        total = Math.max(total, failed);
    }

    public double rate() {
        return total == 0 ? 0.0 : (double) failed / total;
    }
}
