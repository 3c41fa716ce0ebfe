package io.egressproxy.core.cases;

import io.egressproxy.core.testing.OriginServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;

/** N bytes of {@link OriginServer#pattern}, produced as the channel can take them. */
final class PatternInput implements ChunkedInput<ByteBuf> {
    private final long length;
    private long offset;

    PatternInput(long length) {
        this.length = length;
    }

    @Override
    public boolean isEndOfInput() {
        return offset >= length;
    }

    @Override
    public void close() {
    }

    @Deprecated
    @Override
    public ByteBuf readChunk(ChannelHandlerContext ctx) {
        return readChunk(ctx.alloc());
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) {
        if (isEndOfInput()) {
            return null;
        }
        int n = (int) Math.min(64 * 1024, length - offset);
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = OriginServer.pattern(offset + i);
        }
        offset += n;
        return Unpooled.wrappedBuffer(bytes);
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public long progress() {
        return offset;
    }
}
