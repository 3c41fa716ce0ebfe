/**
 * What the bridge tells operators: connection ids and the access log ({@code bridge.access}).
 * No Netty handlers and no I/O beyond logging; nothing here may log header values or credentials.
 */
package io.egressproxy.bridge.observe;
