/**
 * The proxy as a library: {@link io.egressproxy.core.EgressProxy} starts one from a config and
 * stops it. Everything else lives in the sub-packages, one concern each.
 */
package io.egressproxy.core;
