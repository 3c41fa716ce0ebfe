package io.egressproxy.cli.sandbox;

import java.io.IOException;

/** A command named a sandbox that this launcher did not start (or that is gone); the message says how to find the right one. */
public final class NoSuchSandboxException extends IOException {
    private static final long serialVersionUID = 1L;

    public NoSuchSandboxException(String message) {
        super(message);
    }
}
