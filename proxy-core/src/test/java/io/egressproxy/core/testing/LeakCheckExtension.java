package io.egressproxy.core.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/**
 * Fails a test class when Netty's leak detector (level paranoid in the build) reported a leaked
 * buffer while it ran. Registered for every test through JUnit's extension auto-detection. Leaks
 * are reported when the leaked buffer is collected and a later allocation polls the detector,
 * so this forces a collection and a few allocations before looking.
 */
public final class LeakCheckExtension implements AfterAllCallback {
    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(50);
            for (int i = 0; i < 64; i++) {
                ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                pooled.release();
                ByteBuf heap = PooledByteBufAllocator.DEFAULT.heapBuffer(16);
                heap.release();
                ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.buffer(16);
                unpooled.release();
            }
        }
        List<String> leaks = LeakReports.drain();
        if (!leaks.isEmpty()) {
            throw new AssertionError("Netty reported " + leaks.size() + " leaked buffer(s) during "
                    + context.getDisplayName() + ":\n" + leaks.get(0));
        }
    }
}
