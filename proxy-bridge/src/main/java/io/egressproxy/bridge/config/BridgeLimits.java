package io.egressproxy.bridge.config;

/**
 * Per-connection limits of the bridge: HTTP parsing sizes (http mode) and the write-buffer water
 * marks that drive backpressure. All values in bytes. Immutable.
 *
 * @param maxInitialLineLength longest request line accepted from a client
 * @param maxHeaderBytes       largest header block accepted from a client or the proxy
 * @param maxChunkSize         largest piece of a body handed on at once (not a body size limit)
 * @param writeBufferLow       below this many pending bytes, the other side is read again
 * @param writeBufferHigh      above this many pending bytes, the other side stops being read
 */
public record BridgeLimits(int maxInitialLineLength, int maxHeaderBytes, int maxChunkSize,
                           int writeBufferLow, int writeBufferHigh) {

    public BridgeLimits {
        if (writeBufferLow > writeBufferHigh) {
            throw new BridgeConfigException("write-buffer-low (" + writeBufferLow
                    + ") must not be above write-buffer-high (" + writeBufferHigh + ")");
        }
    }
}
