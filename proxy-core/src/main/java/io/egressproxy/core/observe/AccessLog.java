package io.egressproxy.core.observe;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the one access-log line per request or tunnel to the logger {@code access}:
 * <pre>
 * c:3f9a01 client=127.0.0.1:51234 sandbox=- GET http://api.example.com:80/v1/models decision=allow rule=api.example.com status=200 up=0 down=1234 ms=12 close=keep-alive reason=-
 * </pre>
 * The target is printed without its query string (queries often carry tokens). Reasons are
 * produced by the proxy itself and never contain header values or secrets. Stateless, thread-safe.
 */
public final class AccessLog {
    private static final Logger log = LoggerFactory.getLogger("access");

    private AccessLog() {
    }

    /** Logs one finished request or tunnel. */
    public static void record(AccessRecord r) {
        if (!log.isInfoEnabled()) {
            return;
        }
        log.info("{} client={} sandbox={} {} {} decision={} rule={} status={} up={} down={} ms={} close={} reason={}",
                r.connectionId(), r.client(), r.sandbox() == null ? "-" : r.sandbox(), r.method(), r.target(), r.decision(),
                r.rule() == null ? "-" : r.rule(), r.status(), r.bytesUp(), r.bytesDown(),
                r.durationMillis(), r.closeReason(), r.reason() == null ? "-" : r.reason());
    }

    /** Whether access lines are written at all (lets callers skip building them). */
    public static boolean enabled() {
        return log.isInfoEnabled();
    }
}
