package io.tlsrpt.processor.detect;

/**
 * One reporter's reports about one policy domain, by report window (the index of the aggregation window its start
 * falls in): the newest window it sent a report for, which of the 64 windows up to that one had a report from it
 * (bit {@code i} is the window {@code i} before the newest), while a reports-stopped alert about it is open the
 * newest window at the time it fired, and whether a silence check has found it stopped since its last report: a
 * suspicion that the next check confirms. The suspicion is kept here, not in the check's memory, so that a restart,
 * or the task moving to another instance, between the two checks does not start the count again.
 *
 * @param lastWindow  the newest window with a report from the reporter
 * @param windows     bit {@code i}: the window {@code lastWindow - i} had a report from it
 * @param silentAfter {@link #NOT_SILENT}, or the {@code lastWindow} when the open alert fired
 * @param suspectedAt {@link #NOT_SUSPECTED}, or the {@code lastWindow} when a check found it stopped
 */
public record ReporterCadence(long lastWindow, long windows, long silentAfter, long suspectedAt) {

    /** No open alert. */
    public static final long NOT_SILENT = Long.MIN_VALUE;
    /** No check has found it stopped since its last report. */
    public static final long NOT_SUSPECTED = Long.MIN_VALUE;

    /** Not suspected. */
    public ReporterCadence(long lastWindow, long windows, long silentAfter) {
        this(lastWindow, windows, silentAfter, NOT_SUSPECTED);
    }

    /** A reporter's first report, in {@code window}. */
    public static ReporterCadence first(long window) {
        return new ReporterCadence(window, 1L, NOT_SILENT);
    }

    /**
     * With a report in {@code window}: a newer window moves the newest (and ends a suspicion), an older one is
     * remembered if it fits.
     */
    public ReporterCadence seen(long window) {
        if (window > lastWindow) {
            long shift = window - lastWindow;
            long shifted = shift >= Long.SIZE ? 0L : windows << shift;
            return new ReporterCadence(window, shifted | 1L, silentAfter);
        }
        long back = lastWindow - window;
        if (back >= Long.SIZE) {
            return this;
        }
        long with = windows | (1L << back);
        return with == windows ? this : new ReporterCadence(lastWindow, with, silentAfter, suspectedAt);
    }

    /** How many of the {@code lookback} windows up to and including the newest had a report from the reporter. */
    public int windowsWithReports(int lookback) {
        long mask = lookback >= Long.SIZE ? -1L : (1L << lookback) - 1;
        return Long.bitCount(windows & mask);
    }

    /** It sent reports for at least {@code minWindows} of the {@code lookbackWindows} up to its last. */
    public boolean regular(SilenceSettings settings) {
        return windowsWithReports(settings.lookbackWindows()) >= settings.minWindows();
    }

    /**
     * The windows after its last report up to {@code newestWindow} (the newest the processor instance has reports
     * for).
     */
    public long windowsMissing(long newestWindow) {
        return newestWindow - lastWindow;
    }

    /** A regular reporter, no alert open about it, that has sent nothing for {@code afterWindows} windows. */
    public boolean stopped(long newestWindow, SilenceSettings settings) {
        return settings.enabled() && !alerted() && regular(settings)
                && windowsMissing(newestWindow) >= settings.afterWindows();
    }

    /** Silent so long that it is no longer watched. */
    public boolean forgotten(long newestWindow, SilenceSettings settings) {
        return windowsMissing(newestWindow) >= settings.forgetWindows();
    }

    /**
     * The oldest window the cadence knows a report for, within the 64 it keeps: for a reporter that began within
     * them ({@link #beganWithinHistory()}), its first.
     */
    public long firstKnownWindow() {
        return lastWindow - (Long.SIZE - 1 - Long.numberOfLeadingZeros(windows));
    }

    /** No report in the oldest of the 64 windows kept: the first report the cadence knows is the reporter's first. */
    public boolean beganWithinHistory() {
        return windows >= 0;
    }

    public boolean alerted() {
        return silentAfter != NOT_SILENT;
    }

    /** An alert is open and a report newer than the last one before it has arrived. */
    public boolean resumed() {
        return alerted() && lastWindow > silentAfter;
    }

    /** A check found it stopped at its present last window: the next check that still does confirms the silence. */
    public boolean suspected() {
        return suspectedAt == lastWindow;
    }

    /** Found stopped by a check. */
    public ReporterCadence suspect() {
        return new ReporterCadence(lastWindow, windows, silentAfter, lastWindow);
    }

    /** No longer suspected (a check that could not judge it, or that found it not stopped). */
    public ReporterCadence unsuspected() {
        return new ReporterCadence(lastWindow, windows, silentAfter);
    }

    /** With an alert open from now on (the suspicion it confirmed ends). */
    public ReporterCadence alertFired() {
        return new ReporterCadence(lastWindow, windows, lastWindow);
    }

    /** With no alert open. */
    public ReporterCadence alertResolved() {
        return new ReporterCadence(lastWindow, windows, NOT_SILENT, suspectedAt);
    }
}
