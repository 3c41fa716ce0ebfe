package io.egressproxy.core.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

import java.util.ArrayList;
import java.util.List;

/**
 * A Logback appender (attached to Netty's leak detector logger in logback-test.xml) that keeps
 * every LEAK report, so {@link LeakCheckExtension} can fail the test class that caused it.
 */
public final class LeakReports extends AppenderBase<ILoggingEvent> {
    private static final List<String> REPORTS = new ArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
        String message = event.getFormattedMessage();
        if (message != null && message.contains("LEAK:")) {
            synchronized (REPORTS) {
                REPORTS.add(message);
            }
        }
    }

    /** Returns and forgets the reports collected so far. */
    public static List<String> drain() {
        synchronized (REPORTS) {
            List<String> copy = new ArrayList<>(REPORTS);
            REPORTS.clear();
            return copy;
        }
    }
}
