package io.egressproxy.cli.sandbox;

import java.util.List;

/**
 * One way of running sandboxes ({@link ContainerRuntime}, {@link MicroVmRuntime}). The launcher
 * registers the sandbox with the proxy; a runtime creates everything else, recording each thing it
 * creates in the {@link Rollback} before moving on. Used by one thread.
 */
interface SandboxRuntime {
    /** Does a sandbox of this name already exist (so that a launch must not touch it)? */
    boolean exists(String name) throws Exception;

    /**
     * Checks what can be checked before anything is created (the image is there), so that a plain
     * mistake fails with its own message instead of after the network and rules exist.
     */
    default void precheck(SandboxSpec spec) throws Exception {
    }

    void create(SandboxSpec spec, Rollback rollback) throws Exception;

    /** Fails with {@link NoSuchSandboxException} unless NAME is a sandbox this launcher started (so exec enters nothing else). */
    void requireSandbox(String name) throws Exception;

    /** Runs {@code command} in the sandbox: attached (returning its exit code), or detached (returning 0). */
    int enter(String name, List<String> command, boolean detach) throws Exception;

    /** Removes what this runtime created for the sandbox; nothing there is not an error. */
    void remove(String name) throws Exception;
}
