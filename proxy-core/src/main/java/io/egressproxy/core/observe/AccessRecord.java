package io.egressproxy.core.observe;

/**
 * The fields of one access-log line. {@code decision} is {@code allow}, {@code deny} or
 * {@code error}; {@code status} is the HTTP status given to the client (200 for an established
 * tunnel); byte counts are body/tunnel payload bytes from the client ({@code up}) and to it
 * ({@code down}).
 */
public record AccessRecord(
        ConnectionId connectionId,
        String client,
        String sandbox,
        String method,
        String target,
        String decision,
        String rule,
        int status,
        long bytesUp,
        long bytesDown,
        long durationMillis,
        String closeReason,
        String reason,
        String errorCode) {

    /** The same without an error code (requests the upstream answered). */
    public AccessRecord(ConnectionId connectionId, String client, String sandbox, String method, String target,
                        String decision, String rule, int status, long bytesUp, long bytesDown, long durationMillis,
                        String closeReason, String reason) {
        this(connectionId, client, sandbox, method, target, decision, rule, status, bytesUp, bytesDown, durationMillis,
                closeReason, reason, null);
    }
}
