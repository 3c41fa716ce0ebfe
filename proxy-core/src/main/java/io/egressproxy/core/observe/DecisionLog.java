package io.egressproxy.core.observe;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The last N denials, would-be denials (report mode) and approval outcomes, for
 * {@code GET /v1/decisions}. Bounded; thread-safe.
 */
public final class DecisionLog {
    /** One remembered decision. */
    public record Entry(String at, String sandbox, String method, String target, String decision, int status,
                        String rule, String reason) {
    }

    private final int capacity;
    private final Deque<Entry> entries = new ArrayDeque<>();

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
            java.util.Collections.reverse(list);
            return list;
        }
    }
}
