package io.egressproxy.bridge.observe;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the bridge's one line per request (http mode) or tunnel (connect mode) to the logger
 * {@code bridge.access}:
 * <pre>
 * b:3f9a01 route=127.0.0.1:54321 client=127.0.0.1:51234 POST /engines/llama.cpp/v1/chat/completions status=200 up=312 down=4810 ms=2417 close=keep-alive
 * b:3f9a02 route=127.0.0.1:5432 client=127.0.0.1:51240 CONNECT db:5432 status=200 up=1200 down=800 ms=90 close=client-closed
 * </pre>
 * Paths are printed without their query (queries often carry tokens); no header value, body or
 * credential is ever logged. Stateless, thread-safe.
 */
public final class AccessLog {
    private static final Logger log = LoggerFactory.getLogger("bridge.access");

    private AccessLog() {
    }

    /** Whether access lines are written at all (lets callers skip building them). */
    public static boolean enabled() {
        return log.isInfoEnabled();
    }

    /**
     * Logs one finished request or tunnel. {@code status} 0 means no response was sent;
     * {@code closeReason} says how the exchange or connection ended.
     */
    public static void record(ConnectionId id, String route, String client, String method, String target, int status,
                              long bytesUp, long bytesDown, long millis, String closeReason) {
        log.info("{} route={} client={} {} {} status={} up={} down={} ms={} close={}",
                id, route, client, method, target, status == 0 ? "-" : status, bytesUp, bytesDown, millis, closeReason);
    }

    /** {@code ip:port} of a socket address, for logs. */
    public static String address(java.net.SocketAddress address) {
        if (address instanceof java.net.InetSocketAddress inet) {
            String ip = inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
            return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
