/**
 * The HTTP side of the proxy: the client pipeline, request parsing and checking, forwarding to
 * upstream connections (pooled), and the mapping of every failure to one status with a reason.
 * May use {@code policy}, {@code net}, {@code observe}, {@code config} and {@code tunnel}; nothing
 * outside {@code ProxyServer} uses this package.
 */
package io.egressproxy.core.http;
