package io.egressproxy.core.http;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Every way the proxy itself can answer instead of the upstream, with its status and the short
 * code sent in {@code X-Egress-Proxy-Error}. The one place that maps failures to statuses.
 */
public enum ProxyError {
    BAD_REQUEST(HttpResponseStatus.BAD_REQUEST, "bad-request"),
    NOT_A_PROXY_REQUEST(HttpResponseStatus.BAD_REQUEST, "origin-form"),
    UNSUPPORTED_SCHEME(HttpResponseStatus.BAD_REQUEST, "unsupported-scheme"),
    URI_TOO_LONG(HttpResponseStatus.REQUEST_URI_TOO_LONG, "uri-too-long"),
    HEADERS_TOO_LARGE(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers-too-large"),
    PROXY_AUTH_REQUIRED(HttpResponseStatus.PROXY_AUTHENTICATION_REQUIRED, "proxy-auth-required"),
    DENIED(HttpResponseStatus.FORBIDDEN, "denied"),
    MISDIRECTED(HttpResponseStatus.MISDIRECTED_REQUEST, "misdirected"),
    DNS_FAILED(HttpResponseStatus.BAD_GATEWAY, "dns-failed"),
    CONNECT_REFUSED(HttpResponseStatus.BAD_GATEWAY, "connect-refused"),
    CONNECT_FAILED(HttpResponseStatus.BAD_GATEWAY, "connect-failed"),
    UPSTREAM_CLOSED(HttpResponseStatus.BAD_GATEWAY, "upstream-closed"),
    UPSTREAM_BAD_RESPONSE(HttpResponseStatus.BAD_GATEWAY, "upstream-bad-response"),
    UPSTREAM_TLS(HttpResponseStatus.BAD_GATEWAY, "upstream-tls"),
    CREDENTIAL_UNAVAILABLE(HttpResponseStatus.SERVICE_UNAVAILABLE, "credential-unavailable"),
    CONNECT_TIMEOUT(HttpResponseStatus.GATEWAY_TIMEOUT, "connect-timeout"),
    RESPONSE_TIMEOUT(HttpResponseStatus.GATEWAY_TIMEOUT, "response-timeout");

    private final HttpResponseStatus status;
    private final String code;

    ProxyError(HttpResponseStatus status, String code) {
        this.status = status;
        this.code = code;
    }

    public HttpResponseStatus status() {
        return status;
    }

    public String code() {
        return code;
    }
}
