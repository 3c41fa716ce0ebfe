package io.egressproxy.core.observe;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A short id for one client connection, printed at the start of every per-connection log line
 * ({@code [c:00002a]}) so that lines about one connection can be found together. Thread-safe.
 */
public final class ConnectionId {
    private static final AtomicLong NEXT = new AtomicLong(ThreadLocalRandomSeed.seed());

    private final String text;

    private ConnectionId(long value) {
        this.text = "c:" + Long.toHexString(value & 0xffffffL | 0x1000000L).substring(1);
    }

    public static ConnectionId next() {
        return new ConnectionId(NEXT.getAndIncrement());
    }

    @Override
    public String toString() {
        return text;
    }

    /** Start ids at a random point so ids from two runs are not confused in one log. */
    private static final class ThreadLocalRandomSeed {
        static long seed() {
            return java.util.concurrent.ThreadLocalRandom.current().nextLong(0, 0xffffffL);
        }
    }
}
