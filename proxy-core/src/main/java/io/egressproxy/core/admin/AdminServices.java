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
                            Supplier<String> reload) {
}
