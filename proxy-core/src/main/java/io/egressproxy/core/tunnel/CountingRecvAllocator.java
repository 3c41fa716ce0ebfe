package io.egressproxy.core.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * A per-channel receive allocator that counts the bytes the channel takes in, wrapping the
 * allocator that decides buffer sizes. Netty's epoll transport reports spliced bytes through the
 * same handle ({@code lastBytesRead}) as bytes read into buffers, so this is how a
 * {@link SplicedTunnel}, which never sees the bytes, knows how many went each way and whether the
 * last read found anything. Install it before the channel first reads (the handle is made once).
 * Confined to the channel's event loop.
 */
public final class CountingRecvAllocator implements RecvByteBufAllocator {
    private final RecvByteBufAllocator sizing;
    private long total;
    private long inLastRead;

    public CountingRecvAllocator(RecvByteBufAllocator sizing) {
        this.sizing = sizing;
    }

    /** Installs a counting allocator on a channel that has not read yet. */
    public static void install(ChannelConfig config) {
        config.setRecvByteBufAllocator(new CountingRecvAllocator(config.getRecvByteBufAllocator()));
    }

    /** Bytes taken in since the channel opened. */
    public long total() {
        return total;
    }

    /** Bytes taken in by the most recent read-ready round (0 = it found nothing, e.g. at EOF). */
    public long inLastRead() {
        return inLastRead;
    }

    @Override
    public Handle newHandle() {
        return new CountingHandle((ExtendedHandle) sizing.newHandle());
    }

    private final class CountingHandle implements ExtendedHandle {
        private final ExtendedHandle sizingHandle;

        CountingHandle(ExtendedHandle sizingHandle) {
            this.sizingHandle = sizingHandle;
        }

        @Override
        public void reset(ChannelConfig config) {
            inLastRead = 0;
            sizingHandle.reset(config);
        }

        @Override
        public void lastBytesRead(int bytes) {
            if (bytes > 0) {
                total += bytes;
                inLastRead += bytes;
            }
            sizingHandle.lastBytesRead(bytes);
        }

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            return sizingHandle.allocate(alloc);
        }

        @Override
        public int guess() {
            return sizingHandle.guess();
        }

        @Override
        public void incMessagesRead(int numMessages) {
            sizingHandle.incMessagesRead(numMessages);
        }

        @Override
        public int lastBytesRead() {
            return sizingHandle.lastBytesRead();
        }

        @Override
        public void attemptedBytesRead(int bytes) {
            sizingHandle.attemptedBytesRead(bytes);
        }

        @Override
        public int attemptedBytesRead() {
            return sizingHandle.attemptedBytesRead();
        }

        @Override
        public boolean continueReading() {
            return sizingHandle.continueReading();
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return sizingHandle.continueReading(maybeMoreDataSupplier);
        }

        @Override
        public void readComplete() {
            sizingHandle.readComplete();
        }
    }
}
