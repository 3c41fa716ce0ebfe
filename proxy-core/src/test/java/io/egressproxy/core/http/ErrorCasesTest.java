package io.egressproxy.core.http;

import io.egressproxy.core.EgressProxy;
import io.egressproxy.core.testing.CapturedLog;
import io.egressproxy.core.testing.Curl;
import io.egressproxy.core.testing.OriginServer;
import io.egressproxy.core.testing.RawClient;
import io.egressproxy.core.testing.RawServer;
import io.egressproxy.core.testing.TestProxies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every error the proxy answers itself: the status, the reason in the body and in
 * X-Egress-Proxy-Reason, and that the proxy keeps serving other clients afterwards.
 */
@Timeout(60)
class ErrorCasesTest {
    private static OriginServer origin;
    private static RawServer silent;
    private static RawServer canary;
    private static int closedPort;
    private static EgressProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        origin = new OriginServer();
        silent = new RawServer("127.0.0.1", null);
        canary = new RawServer("127.0.0.1", "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\ncanary");
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        TestProxies.dns().add("denied.test", "127.0.0.1");
        proxy = TestProxies.builder()
                .allow(origin.authority(), "127.0.0.1:" + closedPort, "127.0.0.1:" + silent.port(), "nosuch.test")
                .set("egress-proxy.limits.response-timeout", "1s")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
        origin.close();
        silent.close();
        canary.close();
    }

    @AfterEach
    void proxyStillServesOthers() throws Exception {
        Curl.Result control = Curl.run("-x", TestProxies.url(proxy), "http://" + origin.authority() + "/ok");
        assertThat(control.out()).isEqualTo("hello from origin\n");
    }

    private RawClient.Reply send(String request) throws Exception {
        return RawClient.exchange(proxy.address(), request, 3000, 10_000);
    }

    private static void assertReason(RawClient.Reply reply, int status, String code, String reasonPart) {
        assertThat(reply.status()).as(reply.text()).isEqualTo(status);
        assertThat(reply.header("X-Egress-Proxy-Error")).isEqualTo(code);
        assertThat(reply.header("X-Egress-Proxy-Reason")).contains(reasonPart);
        assertThat(reply.text()).endsWith(reply.header("X-Egress-Proxy-Reason") + "\n");
    }

    @Test
    void deniedHostGets403WithActionableReasonAndTheUpstreamIsNeverContacted() throws Exception {
        int queriesBefore = TestProxies.dns().queryCount();
        CapturedLog.clear();
        RawClient.Reply reply = send("GET http://denied.test:" + canary.port() + "/ HTTP/1.1\r\nHost: denied.test:" + canary.port() + "\r\n\r\n");
        assertReason(reply, 403, "denied", "denied.test");
        assertThat(reply.header("X-Egress-Proxy-Reason")).contains("--allow-host denied.test");
        assertThat(reply.closed()).as("a body-less denied request keeps the connection").isFalse();
        assertThat(canary.connections()).isZero();
        assertThat(TestProxies.dns().queryCount()).as("not even resolved").isEqualTo(queriesBefore);
        assertThat(CapturedLog.accessLines()).singleElement().asString()
                .contains("decision=deny", "status=403", "http://denied.test:" + canary.port() + "/");
    }

    @Test
    void deniedConnectGets403() throws Exception {
        RawClient.Reply reply = send("CONNECT denied.test:443 HTTP/1.1\r\nHost: denied.test:443\r\n\r\n");
        assertReason(reply, 403, "denied", "denied.test");
        assertThat(reply.closed()).isTrue();
    }

    @Test
    void malformedRequestGets400AndClose() throws Exception {
        RawClient.Reply reply = send("GARBAGE\r\n\r\n");
        assertReason(reply, 400, "bad-request", "malformed HTTP request");
        assertThat(reply.closed()).isTrue();
    }

    @Test
    void oversizedHeadersGet431() throws Exception {
        RawClient.Reply reply = send("GET http://" + origin.authority() + "/ HTTP/1.1\r\nHost: " + origin.authority()
                + "\r\nX-Big: " + "a".repeat(100_000) + "\r\n\r\n");
        assertReason(reply, 431, "headers-too-large", "max-header-bytes");
        assertThat(reply.closed()).isTrue();
    }

    @Test
    void overlongRequestLineGets414() throws Exception {
        RawClient.Reply reply = send("GET http://" + origin.authority() + "/" + "a".repeat(100_000) + " HTTP/1.1\r\nHost: "
                + origin.authority() + "\r\n\r\n");
        assertReason(reply, 414, "uri-too-long", "max-initial-line-length");
    }

    @Test
    void nonHttpSchemeGets400() throws Exception {
        RawClient.Reply ftp = send("GET ftp://" + origin.authority() + "/ HTTP/1.1\r\nHost: " + origin.authority() + "\r\n\r\n");
        assertReason(ftp, 400, "unsupported-scheme", "scheme 'ftp'");
        RawClient.Reply https = send("GET https://" + origin.authority() + "/ HTTP/1.1\r\nHost: " + origin.authority() + "\r\n\r\n");
        assertReason(https, 400, "unsupported-scheme", "CONNECT");
    }

    @Test
    void originFormRequestIsToldThisIsAProxy() throws Exception {
        RawClient.Reply reply = send("GET / HTTP/1.1\r\nHost: " + origin.authority() + "\r\n\r\n");
        assertReason(reply, 400, "origin-form", "this is an egress proxy");
        assertThat(reply.header("X-Egress-Proxy-Reason")).contains("curl -x");
    }

    @Test
    void unresolvableNameGets502() throws Exception {
        RawClient.Reply reply = send("GET http://nosuch.test/ HTTP/1.1\r\nHost: nosuch.test\r\n\r\n");
        assertReason(reply, 502, "dns-failed", "could not resolve host 'nosuch.test'");
    }

    @Test
    void refusedConnectionGets502() throws Exception {
        RawClient.Reply reply = send("GET http://127.0.0.1:" + closedPort + "/ HTTP/1.1\r\nHost: 127.0.0.1:" + closedPort + "\r\n\r\n");
        assertReason(reply, 502, "connect-refused", "refused");
        RawClient.Reply connect = send("CONNECT 127.0.0.1:" + closedPort + " HTTP/1.1\r\nHost: 127.0.0.1:" + closedPort + "\r\n\r\n");
        assertReason(connect, 502, "connect-refused", "refused");
    }

    @Test
    void upstreamThatNeverAnswersGets504() throws Exception {
        RawClient.Reply reply = send("GET http://127.0.0.1:" + silent.port() + "/ HTTP/1.1\r\nHost: 127.0.0.1:" + silent.port() + "\r\n\r\n");
        assertReason(reply, 504, "response-timeout", "response-timeout");
    }
}
