/**
 * The network plumbing shared by the proxy's handlers: the Netty transport (epoll or NIO) and
 * asynchronous name resolution. No policy decisions here.
 */
package io.egressproxy.core.net;
