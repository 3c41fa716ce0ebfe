package io.egressproxy.bridge.http;

import io.egressproxy.bridge.config.ProxyCredentials;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class RewriterTest {

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource({
            "/v1/models,                          /v1/models",
            "/v1/models?x=1,                      /v1/models?x=1",
            "http://127.0.0.1:54321/v1/a?b=c,     /v1/a?b=c",
            "http://127.0.0.1:54321,              /",
            "http://127.0.0.1:54321?q=1,          /?q=1",
            "*,                                   *"})
    void reducesTheRequestTargetToPathAndQuery(String uri, String expected) {
        assertThat(RequestRewriter.originForm(uri)).isEqualTo(expected);
    }

    @Test
    void rejectsATargetThatIsNeitherPathNorUrl() {
        assertThatThrownBy(() -> RequestRewriter.originForm("relative/path")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void requestGoesOutInAbsoluteFormWithTheBridgesCredentialsOnly() {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.OPTIONS, "*");
        request.headers().add("Host", "127.0.0.1:54321").add("Proxy-Authorization", "Basic client")
                .add("Connection", "keep-alive, X-Private").add("X-Private", "1").add("Keep-Alive", "5").add("X-End", "2");
        RequestRewriter.toProxy(request, "localhost:12434", Optional.of(new ProxyCredentials("u", "p")));
        assertThat(request.uri()).isEqualTo("http://localhost:12434");
        assertThat(request.protocolVersion()).isEqualTo(HttpVersion.HTTP_1_1);
        assertThat(request.headers().get("Host")).isEqualTo("localhost:12434");
        assertThat(request.headers().getAll("Proxy-Authorization")).containsExactly("Basic dTpw");
        assertThat(request.headers().names()).containsExactlyInAnyOrder("host", "proxy-authorization", "X-End");
    }

    @Test
    void responseKeepsTheClientConnectionWhenTheBodyIsDelimited() {
        HttpResponse chunked = response(HttpResponseStatus.OK, "Transfer-Encoding", "chunked");
        ResponseRewriter.Outcome outcome = ResponseRewriter.forClient(chunked, HttpVersion.HTTP_1_1, true, HttpMethod.GET);
        assertThat(outcome).isEqualTo(new ResponseRewriter.Outcome(false, true));
        assertThat(chunked.headers().contains("Connection")).isFalse();
    }

    @Test
    void proxysCloseEndsOnlyTheProxyConnection() {
        HttpResponse denied = response(HttpResponseStatus.FORBIDDEN, "Content-Length", "10");
        denied.headers().add("Connection", "close").add("X-Egress-Proxy-Reason", "why");
        assertThat(ResponseRewriter.forClient(denied, HttpVersion.HTTP_1_1, true, HttpMethod.GET))
                .isEqualTo(new ResponseRewriter.Outcome(false, false));
        assertThat(denied.headers().get("X-Egress-Proxy-Reason")).isEqualTo("why");
    }

    @Test
    void closeDelimitedOrHttp10ChunkedBodiesCloseTheClient() {
        HttpResponse raw = response(HttpResponseStatus.OK, "X-A", "1");
        assertThat(ResponseRewriter.forClient(raw, HttpVersion.HTTP_1_1, true, HttpMethod.GET).closeClient()).isTrue();
        assertThat(raw.headers().get("Connection")).isEqualTo("close");
        HttpResponse head = response(HttpResponseStatus.OK, "X-A", "1");
        assertThat(ResponseRewriter.forClient(head, HttpVersion.HTTP_1_1, true, HttpMethod.HEAD).closeClient()).isFalse();
        HttpResponse chunked = response(HttpResponseStatus.OK, "Transfer-Encoding", "chunked");
        assertThat(ResponseRewriter.forClient(chunked, HttpVersion.HTTP_1_0, true, HttpMethod.GET).closeClient()).isTrue();
        assertThat(chunked.headers().contains("Transfer-Encoding")).isFalse();
    }

    private static HttpResponse response(HttpResponseStatus status, String name, String value) {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        response.headers().add(name, value);
        return response;
    }
}
