package io.egressproxy.core.observe;

import java.time.Instant;

/**
 * Where a finished request or tunnel is reported: the access log, the metrics, and the
 * recent-decisions ring (allowed, denied and failed alike, so that {@code sandbox logs} shows what a
 * sandbox did, not only what it was refused). One per running proxy; thread-safe.
 */
public final class RequestEvents {
    private final ProxyMetrics metrics;
    private final DecisionLog decisions;

    public RequestEvents(ProxyMetrics metrics, DecisionLog decisions) {
        this.metrics = metrics;
        this.decisions = decisions;
    }

    public void record(AccessRecord r) {
        AccessLog.record(r);
        metrics.record(r);
        decisions.add(System.currentTimeMillis(), r);
    }

    /** An approval outcome (approved, denied, timed out), for the decisions ring. */
    public void approval(String sandbox, String target, String outcome, String reason) {
        decisions.add(new DecisionLog.Entry(Instant.now().toString(), sandbox, "-", target, outcome, 0, null, reason));
    }

    public ProxyMetrics metrics() {
        return metrics;
    }

    public DecisionLog decisions() {
        return decisions;
    }
}
