package io.egressproxy.core.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps every log event (all levels, all loggers) in memory so tests can assert what was logged:
 * a deny reason, an access line, or that a secret never appears. {@link #clear()} at test start.
 */
public final class CapturedLog extends AppenderBase<ILoggingEvent> {
    private static final List<ILoggingEvent> EVENTS = new ArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
        event.prepareForDeferredProcessing();
        synchronized (EVENTS) {
            if (EVENTS.size() < 200_000) {
                EVENTS.add(event);
            }
        }
    }

    public static void clear() {
        synchronized (EVENTS) {
            EVENTS.clear();
        }
    }

    /** Formatted messages (with logger name and any stack trace text) logged so far. */
    public static List<String> lines() {
        synchronized (EVENTS) {
            List<String> lines = new ArrayList<>(EVENTS.size());
            for (ILoggingEvent e : EVENTS) {
                StringBuilder sb = new StringBuilder(e.getLoggerName()).append(' ').append(e.getFormattedMessage());
                if (e.getThrowableProxy() != null) {
                    sb.append(' ').append(e.getThrowableProxy().getMessage());
                }
                lines.add(sb.toString());
            }
            return lines;
        }
    }

    /** Lines of the access log so far. */
    public static List<String> accessLines() {
        synchronized (EVENTS) {
            List<String> lines = new ArrayList<>();
            for (ILoggingEvent e : EVENTS) {
                if ("access".equals(e.getLoggerName())) {
                    lines.add(e.getFormattedMessage());
                }
            }
            return lines;
        }
    }

    /** Waits up to 5 s for an access line containing all of {@code parts} (tunnels log when they end). */
    public static String awaitAccessLine(String... parts) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            for (String line : accessLines()) {
                if (java.util.Arrays.stream(parts).allMatch(line::contains)) {
                    return line;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no access line containing " + java.util.List.of(parts) + " in " + accessLines());
            }
            Thread.sleep(20);
        }
    }
}
