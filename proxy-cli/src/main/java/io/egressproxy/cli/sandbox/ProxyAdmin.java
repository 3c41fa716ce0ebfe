package io.egressproxy.cli.sandbox;

import java.io.IOException;
import java.util.List;

/**
 * What the launcher asks of the running proxy, through its admin API ({@link AdminApi}); tests
 * substitute a recording fake. Calls are sequential, from the command's thread.
 */
public interface ProxyAdmin {
    /** One entry of {@code GET /v1/decisions}; {@code status} 0 = none (an approval outcome). */
    record Decision(String at, String sandbox, String method, String target, String decision, int status, String reason) {
    }

    /**
     * Registers the sandbox, default-deny, with its allow and block lists (never persisted: the
     * sandbox is temporary). All or nothing: when a list is refused, the registration is removed
     * again. A name that is already registered is refused and left as it is.
     */
    void register(String sandbox, List<String> allow, List<String> block) throws IOException, InterruptedException;

    /** Undoes {@link #register}: forgets the sandbox and its live policy; no error when it is unknown. */
    void unregister(String sandbox) throws IOException, InterruptedException;

    /**
     * Forgets everything the proxy keeps about the name, for {@code sandbox rm}: its registration,
     * its listener, and policy changes saved for it (e.g. with {@code sandbox network proxy NAME}),
     * even when it is no longer registered, so that a new sandbox of the name starts with only what
     * its own run says. No error when there is nothing.
     */
    void forget(String sandbox) throws IOException, InterruptedException;

    /** Opens a listener whose clients are this sandbox; {@code listen} may have port 0. Returns the bound HOST:PORT. */
    String openListener(String sandbox, String listen) throws IOException, InterruptedException;

    /** Closes the sandbox's listener; no error when there is none. */
    void closeListener(String sandbox) throws IOException, InterruptedException;

    List<String> sandboxes() throws IOException, InterruptedException;

    /** The recent decisions about this sandbox, oldest first. */
    List<Decision> decisions(String sandbox) throws IOException, InterruptedException;
}
