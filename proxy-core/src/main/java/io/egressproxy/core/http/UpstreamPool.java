package io.egressproxy.core.http;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Idle upstream HTTP connections kept for reuse, keyed by host, port and the checked address, one
 * pool per event loop (a client only ever reuses an upstream registered on its own loop, so no
 * locks are needed inside a loop's pool). An idle connection reads with autoRead on, so an
 * upstream that closes or sends anything while idle is not reused; it is closed after
 * {@code keepAlive} unused.
 *
 * <p>Expiry is one sweep per loop, not a timer per connection: a timer set on every release and
 * cancelled on every acquire was two priority-queue operations per forwarded request (JFR).
 */
final class UpstreamPool {
    record Key(String host, int port, InetAddress address, boolean tls) {
    }

    /** A pooled connection and when it was released (System.nanoTime). */
    private record Idle(Channel channel, long since) {
    }

    private final long keepAliveNanos;
    private final int maxIdlePerKey;
    private final Map<EventLoop, LoopPool> pools = new ConcurrentHashMap<>();

    UpstreamPool(Duration keepAlive, int maxIdlePerKey) {
        this.keepAliveNanos = keepAlive.toNanos();
        this.maxIdlePerKey = maxIdlePerKey;
    }

    /** An idle, open connection for {@code key}, or null. Call on {@code loop}. */
    Channel acquire(EventLoop loop, Key key) {
        LoopPool pool = pools.get(loop);
        ArrayDeque<Idle> idle = pool == null ? null : pool.byKey.get(key);
        if (idle == null) {
            return null;
        }
        long now = System.nanoTime();
        Idle entry;
        while ((entry = idle.pollLast()) != null) {
            Channel channel = entry.channel();
            if (now - entry.since() >= keepAliveNanos) {
                channel.close(); // the newest is too old, so are the rest: the sweep takes them
                continue;
            }
            if (channel.isActive()) {
                channel.config().setAutoRead(false);
                return channel;
            }
        }
        return null;
    }

    /** Keeps {@code channel} for reuse, or closes it when reuse is off or the pool is full. */
    void release(Key key, Channel channel) {
        if (maxIdlePerKey == 0 || keepAliveNanos <= 0 || !channel.isActive()) {
            channel.close();
            return;
        }
        EventLoop loop = channel.eventLoop();
        LoopPool pool = pools.computeIfAbsent(loop, LoopPool::new);
        ArrayDeque<Idle> idle = pool.byKey.computeIfAbsent(key, k -> new ArrayDeque<>());
        if (idle.size() >= maxIdlePerKey) {
            idle.removeIf(entry -> !entry.channel().isActive()); // closed by the upstream while idle
        }
        if (idle.size() >= maxIdlePerKey) {
            channel.close();
            return;
        }
        idle.addLast(new Idle(channel, System.nanoTime()));
        pool.sweepLater(keepAliveNanos);
        // Read while idle so a close (or an unexpected byte) from the upstream is noticed now.
        channel.config().setAutoRead(true);
    }

    /** One event loop's idle connections and the sweep that closes the expired ones. */
    private final class LoopPool {
        private final EventLoop loop;
        private final Map<Key, ArrayDeque<Idle>> byKey = new HashMap<>();
        private boolean sweepScheduled;

        LoopPool(EventLoop loop) {
            this.loop = loop;
        }

        void sweepLater(long delayNanos) {
            if (!sweepScheduled) {
                sweepScheduled = true;
                loop.schedule(this::sweep, delayNanos, TimeUnit.NANOSECONDS);
            }
        }

        /** Closes what expired or closed (oldest first in each queue); runs again while any remain. */
        private void sweep() {
            sweepScheduled = false;
            long now = System.nanoTime();
            long nextDue = Long.MAX_VALUE;
            for (Iterator<ArrayDeque<Idle>> queues = byKey.values().iterator(); queues.hasNext(); ) {
                ArrayDeque<Idle> idle = queues.next();
                idle.removeIf(entry -> {
                    boolean gone = now - entry.since() >= keepAliveNanos || !entry.channel().isActive();
                    if (gone) {
                        entry.channel().close();
                    }
                    return gone;
                });
                if (idle.isEmpty()) {
                    queues.remove();
                } else {
                    nextDue = Math.min(nextDue, idle.peekFirst().since() + keepAliveNanos);
                }
            }
            if (nextDue != Long.MAX_VALUE) {
                sweepLater(Math.max(nextDue - now, TimeUnit.MILLISECONDS.toNanos(1)));
            }
        }
    }
}
