package io.tlsrpt.processor.detect;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Tells a reporter that renamed its organisation from one that stopped. RFC 8460 identifies a reporter only by its
 * {@code organization-name}, so when a sender renames itself ("Google Inc." to "Google LLC"), the old name stops on
 * every domain it reported about and a new one begins there: without this, one reports-stopped alert per domain,
 * thousands at a large provider, about a reporter that never stopped.
 * <p>
 * On one domain, a newcomer <em>succeeds</em> a stopped reporter when its name shares a word with the stopped one's
 * (not a generic one such as "inc" or "mail", see {@link #GENERIC_WORDS}), it reports now (less than
 * {@code silence.after.windows} windows missing), and its first report is at most {@code silence.after.windows}
 * windows older than the stopped reporter's last (a change-over may overlap). The silence check calls it a rename
 * when the same pair holds on at least {@code silence.rename.min.domains} domains at once (the processor instance's
 * checks, over its tasks): a reporter unrelated by name that happens to begin as another stops does not hide the
 * stop, nor does a related one on a single domain.
 */
public final class ReporterRename {

    /** Words of organisation names that say nothing of who the organisation is. */
    static final Set<String> GENERIC_WORDS = Set.of("inc", "llc", "ltd", "plc", "corp", "corporation", "company",
            "limited", "gmbh", "group", "holdings", "services", "mail", "email", "smtp", "tls", "reports",
            "reporting", "com", "net", "org");
    private static final Pattern WORD_BREAK = Pattern.compile("[^\\p{L}\\p{N}]+");

    private ReporterRename() {
    }

    /** The names share a word of three or more letters or digits that is not generic, whatever the case. */
    public static boolean namesRelated(String one, String other) {
        Set<String> words = words(one);
        return !words.isEmpty() && words(other).stream().anyMatch(words::contains);
    }

    /**
     * {@code newcomer}, with its cadence on a domain, took over from {@code stopped} there: a related name, reporting
     * now, and first seen no more than {@code silence.after.windows} windows before the stopped reporter's last report.
     */
    public static boolean succeeds(String newcomer, ReporterCadence newcomerCadence, String stopped,
                                   ReporterCadence stoppedCadence, long newestWindow, SilenceSettings settings) {
        return !newcomer.equals(stopped)
                && newcomerCadence.beganWithinHistory()
                && newcomerCadence.windowsMissing(newestWindow) < settings.afterWindows()
                && newcomerCadence.firstKnownWindow() > stoppedCadence.lastWindow() - settings.afterWindows()
                && namesRelated(newcomer, stopped);
    }

    static Set<String> words(String name) {
        return WORD_BREAK.splitAsStream(name.toLowerCase(Locale.ROOT))
                .filter(w -> w.length() >= 3 && !GENERIC_WORDS.contains(w))
                .collect(Collectors.toSet());
    }
}
