package io.egressproxy.core.admin;

import io.egressproxy.core.live.Approvals;
import io.egressproxy.core.live.PolicyStore;
import io.egressproxy.core.observe.RequestEvents;

import java.util.function.Supplier;

/**
 * What the admin API acts on. {@code reload} re-reads the config file and returns a one-line
 * summary, or throws {@link io.egressproxy.core.config.InvalidConfigException} leaving the old
 * config in force.
 */
public record AdminServices(AdminToken token, PolicyStore policy, Approvals approvals, RequestEvents events,
                            Supplier<String> reload, SandboxListeners listeners) {

    /** Extra proxy listeners, one per sandbox, whose clients are that sandbox without credentials. */
    public interface SandboxListeners {
        /** Opens (or replaces) the sandbox's listener; returns the bound HOST:PORT. */
        String open(String sandbox, String listen);

        /** Closes it; false when there was none. */
        boolean close(String sandbox);

        /** sandbox name -> bound HOST:PORT. */
        java.util.Map<String, String> list();
    }
}
