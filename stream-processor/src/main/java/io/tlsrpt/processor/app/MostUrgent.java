package io.tlsrpt.processor.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/**
 * The most urgent incidents of an incident list (or the first items of any list in its order), up to a limit, of
 * however many are offered: only the limit is held, so that a list read during an outage of 100,000 domains costs the
 * heap of its page, not of the outage. Counts what it was offered.
 *
 * @param <T> the items: an incident's JSON, or what a list ranks before it builds the JSON of those it keeps
 */
final class MostUrgent<T> {

    /** Incidents' JSON most urgent first ({@link IncidentRank#MOST_URGENT_FIRST}). */
    static final Comparator<JsonNode> ORDER = Comparator.comparing(IncidentRank::of, IncidentRank.MOST_URGENT_FIRST);

    /** The fields {@link #ORDER} reads, in its order: what a page's cursor keeps ({@link ListCursor}). */
    static final List<String> ORDER_FIELDS = List.of("status", "severity", "last_anomalous_window_start",
            "policy_domain", "result_type", "reporter", "alert_id");
    /** The incident list's order, for its cursor. */
    static final ListCursor.Order INCIDENTS = new ListCursor.Order(ORDER_FIELDS, ORDER);

    private final int limit;
    private final Comparator<T> order;
    private final Predicate<T> onPage;
    /** The least urgent kept at its head, to be dropped when a more urgent one comes. */
    private final PriorityQueue<T> kept;
    private long offered;
    private long following;

    /** The {@code limit} most urgent incidents of those offered. */
    static MostUrgent<JsonNode> incidents(int limit) {
        return new MostUrgent<>(limit, ORDER, incident -> true);
    }

    /**
     * @param onPage whether an incident offered belongs to this page or the pages after it (after a cursor,
     *               {@link IncidentQuery#followsCursor}); the others are counted, not kept
     */
    MostUrgent(int limit, Comparator<T> order, Predicate<T> onPage) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        this.limit = limit;
        this.onPage = onPage;
        this.order = order;
        this.kept = new PriorityQueue<>(Math.min(limit, 1024) + 1, order.reversed());
    }

    /** The first {@code limit} of {@code incidents}, most urgent first. */
    static List<JsonNode> of(List<JsonNode> incidents, int limit) {
        return of(incidents, limit, ORDER);
    }

    /** The first {@code limit} of {@code items} in {@code order}. */
    static <T> List<T> of(List<T> items, int limit, Comparator<T> order) {
        MostUrgent<T> most = new MostUrgent<>(limit, order, item -> true);
        items.forEach(most::offer);
        return most.sorted();
    }

    void offer(T item) {
        offered++;
        if (!onPage.test(item)) {
            return;
        }
        following++;
        kept.add(item);
        if (kept.size() > limit) {
            kept.poll();
        }
    }

    /** How many were offered, kept or not. */
    long offered() {
        return offered;
    }

    /** How many of those offered belong to this page or the pages after it, kept or not. */
    long following() {
        return following;
    }

    /** Those kept, most urgent first. */
    List<T> sorted() {
        List<T> sorted = new ArrayList<>(kept);
        sorted.sort(order);
        return sorted;
    }
}
