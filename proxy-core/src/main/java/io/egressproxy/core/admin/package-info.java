/**
 * The admin API: a loopback (or Unix socket) HTTP listener, separate from the proxy port, for
 * health, metrics, live policy changes, sandboxes, recent decisions, approvals and reload. Every
 * call but {@code /healthz} needs the bearer token. Runs on its own event loop; request handling
 * runs on a separate executor because policy changes write the state file.
 */
package io.egressproxy.core.admin;
