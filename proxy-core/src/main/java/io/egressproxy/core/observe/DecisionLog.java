package io.egressproxy.core.observe;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * The last N decisions, for {@code GET /v1/decisions} and {@code egress-proxy sandbox logs}: every
 * finished request and tunnel (allowed, denied, would-be denied in report mode, failed) and every
 * approval outcome. One ring for all sandboxes, so memory is bounded by N whatever the traffic; a
 * busy sandbox can push out another's older entries. Entries hold what the access log holds (the
 * target without its query string, never a header value or secret). Thread-safe.
 */
public final class DecisionLog {
    /** One remembered decision; {@code sandbox} is null for clients no sandbox claims. */
    public record Entry(String at, String sandbox, String method, String target, String decision, int status,
                        String rule, String reason) {
    }

    private final int capacity;
    private final Deque<Entry> entries = new ArrayDeque<>();

    /** {@code capacity} 0 = remember nothing. */
    public DecisionLog(int capacity) {
        this.capacity = capacity;
    }

    public void add(Entry entry) {
        if (capacity == 0) {
            return;
        }
        synchronized (entries) {
            if (entries.size() == capacity) {
                entries.removeFirst();
            }
            entries.addLast(entry);
        }
    }

    /** Newest first. */
    public List<Entry> recent() {
        synchronized (entries) {
            List<Entry> list = new ArrayList<>(entries);
            Collections.reverse(list);
            return list;
        }
    }

    /** This sandbox's entries, newest first. */
    public List<Entry> recent(String sandbox) {
        return recent().stream().filter(e -> Objects.equals(e.sandbox(), sandbox)).toList();
    }
}
