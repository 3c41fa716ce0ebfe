package io.egressproxy.core.tunnel;

import io.netty.channel.Channel;
import io.netty.channel.epoll.Native;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an epoll channel in the epoll set while it neither reads nor writes, which a spliced
 * tunnel needs.
 *
 * <p>Why: Netty 4.2's epoll registration takes a descriptor out of epoll when its interest set
 * becomes empty, yet sends later changes of that set as modifications, which the kernel refuses
 * (ENOENT). A spliced channel reaches the empty set when its peer sent FIN (the read-hang-up
 * interest is spent) while the other side reads slowly (Netty stops reading until the pipe
 * drains); when the splice resumes, re-enabling reads fails, the splice is failed and the bytes
 * still queued behind the FIN are lost ({@code SplicedTunnelTest} shows it). Adding
 * {@code EPOLLERR}, which epoll reports regardless, means the set is never empty.
 *
 * <p>The flag can only be set through Netty's protected {@code setFlag}; where that cannot be
 * reached (another Netty version), {@link #available()} is false and tunnels are copied instead.
 */
final class EpollRegistrationPin {
    private static final Logger log = LoggerFactory.getLogger(EpollRegistrationPin.class);
    private static final MethodHandle SET_FLAG = findSetFlag();

    private EpollRegistrationPin() {
    }

    private static MethodHandle findSetFlag() {
        try {
            // package-private class, protected method: reachable only reflectively (class path)
            var setFlag = Class.forName("io.netty.channel.epoll.AbstractEpollChannel")
                    .getDeclaredMethod("setFlag", int.class);
            setFlag.setAccessible(true);
            return MethodHandles.lookup().unreflect(setFlag)
                    .asType(MethodType.methodType(void.class, Channel.class, int.class));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            log.debug("epoll channels cannot be pinned ({}); blind tunnels are copied, not spliced", e.toString());
            return null;
        }
    }

    /** Whether channels can be pinned (and so spliced safely). */
    static boolean available() {
        return SET_FLAG != null;
    }

    /** Pins {@code channel} until it closes. Call on its event loop. */
    static void pin(Channel channel) throws Throwable {
        SET_FLAG.invokeExact(channel, Native.EPOLLERR);
    }
}
