/**
 * Who may be reached: host names and addresses normalised from requests ({@link
 * io.egressproxy.core.policy.HostNames}), allow/block/bypass entries ({@link
 * io.egressproxy.core.policy.HostPattern}), the address guard ({@link
 * io.egressproxy.core.policy.AddressClass}) and the decisions built from them ({@link
 * io.egressproxy.core.policy.Policy}, {@link io.egressproxy.core.policy.Decision}). Everything here
 * is plain Java, immutable once built and free of I/O: no Netty, no sockets, no files and never a
 * DNS lookup (addresses are built from bytes), so it can be tested as tables of values. What does
 * not belong here: resolving names, connecting, reading configuration files, logging.
 */
package io.egressproxy.core.policy;
