package io.tlsrpt.processor.app;

import java.util.SortedSet;

/** What a list of the whole application is asked ({@link IncidentQuery}, {@link DomainListQuery}). */
interface ListQuery<Q extends ListQuery<Q>> {

    /** The tenant asked for, null for any. */
    String tenant();

    /** The same question limited to one tenant's items (a tenant's token asks nothing else). */
    Q forTenant(String only);

    /** Between instances: the partitions asked for; null from a caller. */
    SortedSet<Integer> partitions();

    /** The query string that asks another instance the same of {@code theirs}, its partitions. */
    String forPeer(SortedSet<Integer> theirs);

    /** The limit asked, null for none. */
    Integer limit();

    /**
     * The limit asked, or {@link ListQueries#MAX_LIMIT} when none was: an answer lists at most that many and counts
     * them all, so that an outage of many domains cannot make one answer as large as the outage.
     */
    default int effectiveLimit() {
        return limit() == null ? ListQueries.MAX_LIMIT : limit();
    }

    /** The cursor asked after, null for the first page. */
    ListCursor after();

    /** The list's order: how the instances' pages are merged and what its cursors hold. */
    ListCursor.Order order();
}
