package io.tlsrpt.processor.detect;

import java.time.Duration;
import java.util.Objects;

/**
 * When a reporter that used to send reports about a domain regularly counts as having stopped ({@code silence.*}
 * settings; {@link ReporterCadence} applies them).
 *
 * @param afterWindows    report windows in a row without a report from the reporter, counted back from the newest
 *                        window the processor instance has reports for, before it counts as stopped; 0 turns the
 *                        check off
 * @param lookbackWindows the windows up to and including the reporter's last report that are judged for
 *                        regularity (at most 62: the cadence keeps 64 windows)
 * @param minWindows      how many of those must hold a report from it: a reporter that sends now and then is not
 *                        expected every day, and its silence says nothing
 * @param checkInterval   how often, by the wall clock, each task looks for stopped reporters
 * @param forgetWindows   a reporter silent for this many windows is no longer watched: its entry is deleted and an
 *                        open alert about it resolved
 * @param renameMinDomains a reporter that stops on at least this many domains at once (the instance's checks), where
 *                        a reporter with a related name began in its place ({@link ReporterRename}), was renamed,
 *                        not stopped: no alert, and it is no longer watched there; 0 turns the rename check off
 * @param wideStopDomains a reporter that the processor instance's checks find stopped on at least this many domains
 *                        at once stopped widely: each of those alerts' summaries says so (its reports more likely no
 *                        longer reach the intake than every domain broke its record); 0 turns the sentence off
 */
public record SilenceSettings(int afterWindows, int lookbackWindows, int minWindows, Duration checkInterval,
                              int forgetWindows, int renameMinDomains, int wideStopDomains) {

    /** The cadence keeps one bit per window for the 64 windows up to the newest. */
    public static final int MAX_LOOKBACK_WINDOWS = 62;
    /** Three domains: one or two could be chance, and a rename shows on every domain the reporter sent reports for. */
    public static final int DEFAULT_RENAME_MIN_DOMAINS = 3;
    /** Three domains: one or two stops at once are common enough by chance, three rarely. */
    public static final int DEFAULT_WIDE_STOP_DOMAINS = 3;

    /** With the default rename check. */
    public SilenceSettings(int afterWindows, int lookbackWindows, int minWindows, Duration checkInterval,
                           int forgetWindows) {
        this(afterWindows, lookbackWindows, minWindows, checkInterval, forgetWindows, DEFAULT_RENAME_MIN_DOMAINS);
    }

    /** With the default wide-stop threshold. */
    public SilenceSettings(int afterWindows, int lookbackWindows, int minWindows, Duration checkInterval,
                           int forgetWindows, int renameMinDomains) {
        this(afterWindows, lookbackWindows, minWindows, checkInterval, forgetWindows, renameMinDomains,
                DEFAULT_WIDE_STOP_DOMAINS);
    }

    public SilenceSettings {
        Objects.requireNonNull(checkInterval, "checkInterval");
        if (afterWindows < 0) {
            throw new IllegalArgumentException("silence after windows must be >= 0 (0: off)");
        }
        if (lookbackWindows < 1 || lookbackWindows > MAX_LOOKBACK_WINDOWS) {
            throw new IllegalArgumentException("silence lookback windows must be between 1 and "
                    + MAX_LOOKBACK_WINDOWS);
        }
        if (minWindows < 1 || minWindows > lookbackWindows) {
            throw new IllegalArgumentException("silence min windows must be between 1 and the lookback windows");
        }
        if (checkInterval.isNegative() || checkInterval.isZero()) {
            throw new IllegalArgumentException("silence check interval must be positive");
        }
        if (forgetWindows <= afterWindows) {
            throw new IllegalArgumentException("silence forget windows must be more than the after windows");
        }
        if (renameMinDomains < 0) {
            throw new IllegalArgumentException("silence rename min domains must be >= 0 (0: off)");
        }
        if (wideStopDomains < 0 || wideStopDomains == 1) {
            throw new IllegalArgumentException("silence wide stop domains must be 0 (off) or >= 2");
        }
    }

    /** Three daily reports missed by a reporter that sent at least five of its last seven; checked hourly. */
    public static SilenceSettings defaults() {
        return new SilenceSettings(3, 7, 5, Duration.ofHours(1), 30);
    }

    public boolean enabled() {
        return afterWindows > 0;
    }

    public boolean renameCheck() {
        return renameMinDomains > 0;
    }

    /** {@code stops} domains found stopped at once make a wide stop. */
    public boolean wideStop(int stops) {
        return wideStopDomains > 0 && stops >= wideStopDomains;
    }
}
