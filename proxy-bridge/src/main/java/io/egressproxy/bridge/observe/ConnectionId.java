package io.egressproxy.bridge.observe;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A short id for one client connection of the bridge ({@code b:00002a}), printed at the start of
 * every per-connection log line so lines about one connection can be found together. Starts at a
 * random point so ids of two runs are not confused. Thread-safe.
 */
public final class ConnectionId {
    private static final AtomicLong NEXT = new AtomicLong(ThreadLocalRandom.current().nextLong(0, 0xffffffL));

    private final String text;

    private ConnectionId(long value) {
        this.text = "b:" + Long.toHexString(value & 0xffffffL | 0x1000000L).substring(1);
    }

    public static ConnectionId next() {
        return new ConnectionId(NEXT.getAndIncrement());
    }

    @Override
    public String toString() {
        return text;
    }
}
