package io.egressproxy.core.http;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Idle upstream HTTP connections kept for reuse, keyed by host, port and the checked address, one
 * pool per event loop (a client only ever reuses an upstream registered on its own loop, so no
 * locks are needed inside a loop's pool). An idle connection reads with autoRead on, so an
 * upstream that closes or sends anything while idle is dropped at once; it is closed after
 * {@code keepAlive} unused.
 */
final class UpstreamPool {
    record Key(String host, int port, InetAddress address, boolean tls) {
    }

    private static final AttributeKey<ScheduledFuture<?>> EXPIRY = AttributeKey.valueOf("egress-proxy.pool-expiry");
    private static final AttributeKey<Boolean> WATCHED = AttributeKey.valueOf("egress-proxy.pool-watched");

    private final Duration keepAlive;
    private final int maxIdlePerKey;
    private final Map<EventLoop, Map<Key, ArrayDeque<Channel>>> pools = new ConcurrentHashMap<>();

    UpstreamPool(Duration keepAlive, int maxIdlePerKey) {
        this.keepAlive = keepAlive;
        this.maxIdlePerKey = maxIdlePerKey;
    }

    /** An idle, open connection for {@code key}, or null. Call on {@code loop}. */
    Channel acquire(EventLoop loop, Key key) {
        ArrayDeque<Channel> idle = loopPool(loop).get(key);
        if (idle == null) {
            return null;
        }
        Channel channel;
        while ((channel = idle.pollLast()) != null) {
            ScheduledFuture<?> expiry = channel.attr(EXPIRY).getAndSet(null);
            if (expiry != null) {
                expiry.cancel(false);
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
        if (maxIdlePerKey == 0 || keepAlive.isZero() || !channel.isActive()) {
            channel.close();
            return;
        }
        Map<Key, ArrayDeque<Channel>> pool = loopPool(channel.eventLoop());
        ArrayDeque<Channel> idle = pool.computeIfAbsent(key, k -> new ArrayDeque<>());
        if (idle.size() >= maxIdlePerKey) {
            channel.close();
            return;
        }
        idle.addLast(channel);
        channel.attr(EXPIRY).set(channel.eventLoop().schedule((Runnable) channel::close, keepAlive.toMillis(), TimeUnit.MILLISECONDS));
        if (channel.attr(WATCHED).setIfAbsent(Boolean.TRUE) == null) {
            channel.closeFuture().addListener(f -> {
                ArrayDeque<Channel> current = pool.get(key);
                if (current != null && current.remove(channel) && current.isEmpty()) {
                    pool.remove(key, current);
                }
            });
        }
        // Read while idle so a close (or an unexpected byte) from the upstream is noticed now.
        channel.config().setAutoRead(true);
    }

    private Map<Key, ArrayDeque<Channel>> loopPool(EventLoop loop) {
        return pools.computeIfAbsent(loop, l -> new HashMap<>());
    }
}
