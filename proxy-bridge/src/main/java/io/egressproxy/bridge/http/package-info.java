/**
 * Http mode: each request a client sends to the bridge is re-sent in absolute form through the
 * egress proxy, and the response streams back as it arrives. Request and response rewriting are
 * plain functions ({@code RequestRewriter}, {@code ResponseRewriter}); the handlers only move
 * messages and manage the two connections. Nothing here opens sockets itself: connections to the
 * proxy come from {@code io.egressproxy.bridge.net.ProxyConnector}.
 */
package io.egressproxy.bridge.http;
