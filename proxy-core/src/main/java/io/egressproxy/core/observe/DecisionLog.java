package io.egressproxy.core.observe;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

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

    /**
     * What the ring holds: the access record itself for requests (already built for the access log,
     * so remembering it costs no copy) or a ready entry for approvals, with the time as a number
     * that is only formatted when someone reads the log.
     */
    private record Slot(long seq, long atMillis, AccessRecord access, Entry entry) {
        Entry toEntry() {
            if (entry != null) {
                return entry;
            }
            return new Entry(Instant.ofEpochMilli(atMillis).toString(), access.sandbox(), access.method(), access.target(),
                    access.decision(), access.status(), access.rule(), access.reason());
        }
    }

    private final int capacity;
    // A lock-free ring: every event loop records here once per request, so a shared monitor would
    // make them queue behind each other.
    private final AtomicReferenceArray<Slot> slots;
    private final AtomicLong next = new AtomicLong();

    /** {@code capacity} 0 = remember nothing. */
    public DecisionLog(int capacity) {
        this.capacity = capacity;
        this.slots = new AtomicReferenceArray<>(Math.max(capacity, 1));
    }

    /** Remembers a finished request or tunnel. */
    public void add(long atMillis, AccessRecord access) {
        put(atMillis, access, null);
    }

    public void add(Entry entry) {
        put(0, null, entry);
    }

    private void put(long atMillis, AccessRecord access, Entry entry) {
        if (capacity == 0) {
            return;
        }
        long seq = next.getAndIncrement();
        slots.set((int) (seq % capacity), new Slot(seq, atMillis, access, entry));
    }

    /** Newest first. */
    public List<Entry> recent() {
        List<Slot> taken = new ArrayList<>(capacity);
        for (int i = 0; i < capacity; i++) {
            Slot slot = slots.get(i);
            if (slot != null) {
                taken.add(slot);
            }
        }
        taken.sort(Comparator.comparingLong(Slot::seq).reversed());
        List<Entry> list = new ArrayList<>(taken.size());
        for (Slot slot : taken) {
            list.add(slot.toEntry());
        }
        return list;
    }

    /** This sandbox's entries, newest first. */
    public List<Entry> recent(String sandbox) {
        return recent().stream().filter(e -> Objects.equals(e.sandbox(), sandbox)).toList();
    }
}
