package io.egressproxy.core.http;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

import java.util.List;
import java.util.Map;

/**
 * Checks a decoded request head before anything is decided or forwarded: the decoder's verdict,
 * one unambiguous framing, and one {@code Host} that agrees with the request-target. Anything
 * ambiguous is refused rather than repaired, because a proxy and an upstream that read one request
 * two ways is how requests are smuggled. Stateless.
 */
final class RequestChecks {
    private RequestChecks() {
    }

    /** Maps a decoder failure to the error the client gets. */
    static BadRequestException decoderFailure(DecoderResult result) {
        Throwable cause = result.cause();
        if (cause instanceof TooLongHttpLineException) {
            return new BadRequestException(ProxyError.URI_TOO_LONG,
                    "the request line is longer than the proxy accepts (egress-proxy.limits.max-initial-line-length)");
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return new BadRequestException(ProxyError.HEADERS_TOO_LARGE,
                    "the request headers are larger than the proxy accepts (egress-proxy.limits.max-header-bytes)");
        }
        if (cause instanceof TooLongFrameException) {
            return new BadRequestException(ProxyError.HEADERS_TOO_LARGE, "the request head is larger than the proxy accepts");
        }
        return new BadRequestException(ProxyError.BAD_REQUEST, "malformed HTTP request: " + describe(cause));
    }

    /**
     * A fixed description per kind of parse failure. Netty's own messages quote the input, and a
     * reason must never echo what the client sent.
     */
    private static String describe(Throwable cause) {
        if (cause == null) {
            return "the request could not be parsed";
        }
        String message = String.valueOf(cause.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (cause instanceof NumberFormatException || message.contains("chunk")) {
            return "a chunk size or chunk extension is invalid";
        }
        if (message.contains("version")) {
            return "the HTTP version is invalid";
        }
        if (message.contains("header")) {
            return "a header line is invalid";
        }
        if (message.contains("transfer") || message.contains("content-length")) {
            return "the message framing (Content-Length / Transfer-Encoding) is invalid or ambiguous";
        }
        return "the request line or a header line is invalid";
    }

    /** Framing and header checks that hold for every request, CONNECT included. */
    static void checkHeaders(HttpRequest request) throws BadRequestException {
        HttpHeaders headers = request.headers();
        for (Map.Entry<String, String> header : headers) {
            String value = header.getValue();
            if (!value.isEmpty() && (isOws(value.charAt(0)) || isOws(value.charAt(value.length() - 1)))) {
                // Netty trims field values, so surrounding white space can only come from obs-fold.
                throw new BadRequestException(ProxyError.BAD_REQUEST,
                        "header '" + safeName(header.getKey()) + "' is folded across lines (obs-fold), which is not allowed");
            }
        }
        List<String> te = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (!te.isEmpty() && (te.size() != 1 || !"chunked".equalsIgnoreCase(te.get(0).trim()))) {
            throw new BadRequestException(ProxyError.BAD_REQUEST,
                    "Transfer-Encoding must be exactly 'chunked' (one header, one coding); other codings are not accepted");
        }
    }

    /** The Host header must be single, and name the same host and port as the absolute-form target. */
    static void checkHost(HttpRequest request, RequestTarget target, int defaultPort) throws BadRequestException {
        List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            throw new BadRequestException(ProxyError.BAD_REQUEST, "the request has more than one Host header");
        }
        if (hosts.isEmpty()) {
            return;
        }
        RequestTarget fromHeader;
        try {
            fromHeader = RequestTarget.parseHostHeader(hosts.get(0).trim(), defaultPort);
        } catch (BadRequestException e) {
            throw new BadRequestException(ProxyError.BAD_REQUEST, "the Host header is invalid: " + e.getMessage());
        }
        if (!fromHeader.host().name().equals(target.host().name()) || fromHeader.port() != target.port()) {
            throw new BadRequestException(ProxyError.BAD_REQUEST,
                    "the Host header names " + fromHeader.authority() + " but the request-target names "
                            + target.authority() + "; they must agree");
        }
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    private static String safeName(String name) {
        return ErrorResponses.headerSafe(name.length() > 40 ? name.substring(0, 40) : name);
    }
}
