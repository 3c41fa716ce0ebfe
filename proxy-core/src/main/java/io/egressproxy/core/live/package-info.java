/**
 * Policy changed while the proxy runs: entries added or removed through the admin API, sandboxes
 * registered, the config file reloaded. Keeps the changes as an overlay on the config, persists
 * them, and swaps the new policies into the running proxy atomically. No Netty here.
 */
package io.egressproxy.core.live;
