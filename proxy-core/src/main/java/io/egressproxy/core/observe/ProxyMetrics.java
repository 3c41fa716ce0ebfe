package io.egressproxy.core.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The proxy's metrics, in a Micrometer registry rendered as Prometheus text at {@code /metrics}.
 * Tag values come from fixed sets (kind, decision, status class, error code), never raw hosts.
 * <ul>
 *   <li>{@code egress_proxy_requests_total{kind,decision,status}}: finished requests and tunnels</li>
 *   <li>{@code egress_proxy_denials_total{code}}: refusals by X-Egress-Proxy-Error code</li>
 *   <li>{@code egress_proxy_bytes_total{direction}}: body/tunnel bytes from (up) and to (down) clients</li>
 *   <li>{@code egress_proxy_active_connections}: open client connections</li>
 *   <li>{@code egress_proxy_request_duration_seconds}: request/tunnel durations (histogram)</li>
 *   <li>{@code egress_proxy_upstream_connect_seconds}: upstream TCP connect time (histogram)</li>
 *   <li>{@code egress_proxy_tls_leaf_cache_{hits,misses}_total}: minted-certificate cache</li>
 *   <li>{@code egress_proxy_approvals_pending}: requests held for a person's decision</li>
 * </ul>
 * Thread-safe.
 */
public final class ProxyMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger activeConnections = new AtomicInteger();
    private final Counter bytesUp;
    private final Counter bytesDown;
    private final Timer requestDuration;
    private final Timer upstreamConnect;
    /** Status classes 0xx..5xx; index = kind offset (http 0, tunnel 6) + class. */
    private static final int STATUS_CLASSES = 6;
    @SuppressWarnings("unchecked")
    private final Map<String, Counter>[] requestCounters = new Map[2 * STATUS_CLASSES];
    private final Map<String, Counter> denialCounters = new ConcurrentHashMap<>();

    public ProxyMetrics() {
        bytesUp = Counter.builder("egress_proxy_bytes").tag("direction", "up").baseUnit("bytes")
                .description("Body and tunnel bytes from clients").register(registry);
        bytesDown = Counter.builder("egress_proxy_bytes").tag("direction", "down").baseUnit("bytes")
                .description("Body and tunnel bytes to clients").register(registry);
        Gauge.builder("egress_proxy_active_connections", activeConnections, AtomicInteger::get)
                .description("Open client connections").register(registry);
        requestDuration = Timer.builder("egress_proxy_request_duration").publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(10))
                .description("Duration of requests and tunnels").register(registry);
        upstreamConnect = Timer.builder("egress_proxy_upstream_connect").publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .description("Upstream TCP connect time").register(registry);
        for (int i = 0; i < requestCounters.length; i++) {
            requestCounters[i] = new ConcurrentHashMap<>();
        }
    }

    /** Counts one finished request or tunnel. */
    public void record(AccessRecord r) {
        requestCounter("CONNECT".equals(r.method()), r.decision(), r.status()).increment();
        if (r.errorCode() != null) {
            denialCounter(r.errorCode()).increment();
        }
        bytesUp.increment(r.bytesUp());
        bytesDown.increment(r.bytesDown());
        requestDuration.record(r.durationMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The request counter for one kind, decision and status class. Counters are looked up in small
     * maps the first time and reused after, because building a Micrometer id per request (tags,
     * sorting, a registry lookup) was the largest part of the metrics cost in the profile.
     */
    private Counter requestCounter(boolean tunnel, String decision, int status) {
        int statusClass = Math.max(0, Math.min(status / 100, STATUS_CLASSES - 1));
        Map<String, Counter> byDecision = requestCounters[(tunnel ? STATUS_CLASSES : 0) + statusClass];
        Counter counter = byDecision.get(decision);
        if (counter == null) {
            counter = byDecision.computeIfAbsent(decision, d -> Counter.builder("egress_proxy_requests")
                    .description("Finished requests and tunnels").tag("kind", tunnel ? "tunnel" : "http")
                    .tag("decision", d).tag("status", statusClass + "xx").register(registry));
        }
        return counter;
    }

    private Counter denialCounter(String code) {
        Counter counter = denialCounters.get(code);
        if (counter == null) {
            counter = denialCounters.computeIfAbsent(code, c -> Counter.builder("egress_proxy_denials")
                    .description("Requests the proxy answered itself, by error code").tag("code", c).register(registry));
        }
        return counter;
    }

    public void connectionOpened() {
        activeConnections.incrementAndGet();
    }

    public void connectionClosed() {
        activeConnections.decrementAndGet();
    }

    public void upstreamConnected(long nanos) {
        upstreamConnect.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Exposes the leaf cache counters (only when interception is on). */
    public void leafCache(Supplier<Number> hits, Supplier<Number> misses) {
        FunctionCounter.builder("egress_proxy_tls_leaf_cache_hits", hits, s -> s.get().doubleValue())
                .description("Leaf certificate cache hits").register(registry);
        FunctionCounter.builder("egress_proxy_tls_leaf_cache_misses", misses, s -> s.get().doubleValue())
                .description("Leaf certificates minted").register(registry);
    }

    public void approvalsPending(Supplier<Number> pending) {
        Gauge.builder("egress_proxy_approvals_pending", pending, s -> s.get().doubleValue())
                .description("Requests held for approval").register(registry);
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }
}
