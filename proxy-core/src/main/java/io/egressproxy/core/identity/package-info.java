/**
 * Who a client is: a sandbox recognised by its Proxy-Authorization credentials or its source
 * address, or nobody (the global policy). Builds each sandbox's {@link io.egressproxy.core.policy.PolicyScope}.
 * Pure Java; no Netty.
 */
package io.egressproxy.core.identity;
