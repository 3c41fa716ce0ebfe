package io.egressproxy.cli.sandbox;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C (SIGINT) and SIGTERM while a sandbox is being made. By default the JVM would exit at once,
 * half-way through the steps, leaving a network, rules, a listener and a registration that nothing
 * records. While this is open a stop signal is only noted: the launch stops at its next step and
 * removes what it made, as after a failure. Closing restores the previous handlers. Where a signal
 * is not the JVM's to handle ({@code -Xrs}, or ignored since start), its default stays.
 */
final class StopSignals implements AutoCloseable {
    private final AtomicBoolean requested = new AtomicBoolean();
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();

    private StopSignals() {
    }

    static StopSignals catchDuring() {
        StopSignals stop = new StopSignals();
        for (String name : List.of("INT", "TERM")) {
            Signal signal = new Signal(name);
            try {
                stop.previous.add(Signal.handle(signal, s -> stop.requested.set(true)));
                stop.signals.add(signal);
            } catch (IllegalArgumentException notOurs) {
                // keep the default for this one
            }
        }
        return stop;
    }

    boolean requested() {
        return requested.get();
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
    }
}
