package io.egressproxy.core.live;

import io.egressproxy.core.observe.RequestEvents;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests held under {@code policy.default = ask} until a person allows or denies them (admin API,
 * {@code egress-proxy approvals}), or the ask-timeout denies them. A remembered answer becomes an
 * allow or block entry of the requester's scope. Thread-safe; each held request's promise belongs to
 * its connection's event loop, so the waiting connection continues on its own thread.
 */
public final class Approvals {
    /** A held request, as listed to people. */
    public record Pending(String id, String sandbox, String host, int port, String method, String since) {
    }

    /** How a held request ended. */
    public record Outcome(boolean allowed, String reason) {
    }

    private record Held(Pending pending, Promise<Outcome> promise, ScheduledFuture<?> timeout) {
    }

    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong(1);
    private final PolicyStore policy;
    private final RequestEvents events;

    public Approvals(PolicyStore policy, RequestEvents events) {
        this.policy = policy;
        this.events = events;
        events.metrics().approvalsPending(held::size);
    }

    /** Holds a request; the future completes on {@code loop} with the person's answer or a timeout denial. */
    public Future<Outcome> request(String sandbox, String host, int port, String method, Duration timeout, EventLoop loop) {
        String id = Long.toString(ids.getAndIncrement());
        Promise<Outcome> promise = loop.newPromise();
        ScheduledFuture<?> timer = loop.schedule(() -> {
            if (held.remove(id) != null) {
                String reason = "no one approved '" + host + ":" + port + "' within " + timeout.toSeconds()
                        + " s (policy.default = ask); ask again, or allow it with egress-proxy policy allow-host";
                events.approval(sandbox, host + ":" + port, "ask-timeout", reason);
                promise.trySuccess(new Outcome(false, reason));
            }
        }, Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        Pending pending = new Pending(id, sandbox, host, port, method, Instant.now().toString());
        held.put(id, new Held(pending, promise, timer));
        return promise;
    }

    /**
     * Answers a held request. With {@code remember}, the answer becomes a policy entry for the
     * host and port in the requester's scope (persisted).
     *
     * @return false when no such request is held (answered or timed out already)
     */
    public boolean decide(String id, boolean allow, boolean remember) {
        Held h = held.remove(id);
        if (h == null) {
            return false;
        }
        h.timeout().cancel(false);
        Pending p = h.pending();
        String target = (p.host().indexOf(':') >= 0 ? "[" + p.host() + "]" : p.host()) + ":" + p.port();
        if (remember) {
            policy.add(allow ? "allow" : "block", p.sandbox(), List.of(target), true);
        }
        String reason = allow ? "approved by a person" + (remember ? " (remembered as an allow entry)" : "")
                : "denied by a person" + (remember ? " (remembered as a block entry)" : "") + " through the approvals API";
        events.approval(p.sandbox(), target, allow ? "approved" : "rejected", reason);
        h.promise().trySuccess(new Outcome(allow, reason));
        return true;
    }

    /** Drops a held request whose client went away (no decision is recorded). */
    public void cancel(Future<Outcome> request) {
        held.entrySet().removeIf(e -> {
            if (e.getValue().promise() == request) {
                e.getValue().timeout().cancel(false);
                e.getValue().promise().trySuccess(new Outcome(false, "the client went away"));
                return true;
            }
            return false;
        });
    }

    public List<Pending> pending() {
        List<Pending> list = new ArrayList<>();
        held.values().forEach(h -> list.add(h.pending()));
        list.sort((a, b) -> Long.compare(Long.parseLong(a.id()), Long.parseLong(b.id())));
        return list;
    }
}
