package io.egressproxy.core.identity;

import com.typesafe.config.ConfigFactory;
import io.egressproxy.core.EgressProxy;
import io.egressproxy.core.testing.CapturedLog;
import io.egressproxy.core.testing.Curl;
import io.egressproxy.core.testing.OriginServer;
import io.egressproxy.core.testing.RawClient;
import io.egressproxy.core.testing.RawServer;
import io.egressproxy.core.testing.TestProxies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Base64;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-sandbox policies end to end: identity by credentials or source, 407s, report mode, L7 rules, defaults, the guard. */
@Timeout(60)
class SandboxPolicyTest {
    private static OriginServer origin;
    private static RawServer loopbackListener;

    @BeforeAll
    static void start() throws Exception {
        origin = new OriginServer();
        loopbackListener = new RawServer("127.0.0.1", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nno");
        TestProxies.dns().add("internal.test", "127.0.0.1");
        TestProxies.dns().add("public-looking.test", "127.0.0.1");
    }

    @AfterAll
    static void stop() throws Exception {
        origin.close();
        loopbackListener.close();
    }

    @BeforeEach
    void clear() {
        CapturedLog.clear();
    }

    private static EgressProxy proxy(String hocon) {
        return TestProxies.builder().config(ConfigFactory.parseString(hocon)).start();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private RawClient.Reply get(EgressProxy proxy, String url, String proxyAuthorization) throws Exception {
        String authority = url.substring("http://".length(), url.indexOf('/', "http://".length()));
        return RawClient.exchange(proxy.address(), "GET " + url + " HTTP/1.1\r\nHost: " + authority + "\r\nConnection: close\r\n"
                + (proxyAuthorization == null ? "" : "Proxy-Authorization: " + proxyAuthorization + "\r\n") + "\r\n", 2000, 5000);
    }

    @Test
    void twoSandboxesGetDifferentAnswersForTheSameHost() throws Exception {
        try (EgressProxy proxy = proxy("egress-proxy.sandboxes { alpha { token = \"tok-a\", allow = [\"" + origin.authority() + "\"] },"
                + " beta { token = \"tok-b\" } }")) {
            String url = "http://" + origin.authority() + "/x";
            Curl.Result alpha = Curl.run("-x", "http://alpha:tok-a@127.0.0.1:" + proxy.address().getPort(), "-w", " %{http_code}", url);
            assertThat(alpha.out()).isEqualTo("hello from origin\n 200");
            Curl.Result beta = Curl.run("-x", "http://beta:tok-b@127.0.0.1:" + proxy.address().getPort(), "-w", " %{http_code}", url);
            assertThat(beta.out()).endsWith(" 403").contains("not in the allow-list");
            assertThat(CapturedLog.accessLines()).anySatisfy(l -> assertThat(l).contains("sandbox=alpha", "decision=allow"))
                    .anySatisfy(l -> assertThat(l).contains("sandbox=beta", "decision=deny"));
        }
    }

    @Test
    void wrongTokenOrUnknownSandboxGets407WithoutSayingWhichPartWasWrong() throws Exception {
        try (EgressProxy proxy = proxy("egress-proxy.sandboxes.alpha { token = \"right-token\", allow = [\"" + origin.authority() + "\"] }")) {
            String url = "http://" + origin.authority() + "/x";
            RawClient.Reply wrongToken = get(proxy, url, basic("alpha", "wrong-token"));
            RawClient.Reply unknownUser = get(proxy, url, basic("gamma", "right-token"));
            for (RawClient.Reply reply : new RawClient.Reply[] {wrongToken, unknownUser}) {
                assertThat(reply.status()).isEqualTo(407);
                assertThat(reply.header("Proxy-Authenticate")).isEqualTo("Basic realm=\"egress-proxy\"");
                assertThat(reply.header("X-Egress-Proxy-Reason")).contains("not accepted").doesNotContain("alpha", "gamma", "token '");
            }
            assertThat(wrongToken.header("X-Egress-Proxy-Reason")).isEqualTo(unknownUser.header("X-Egress-Proxy-Reason"));
            assertThat(String.join("\n", CapturedLog.lines())).contains("proxy credentials from 127.0.0.1")
                    .doesNotContain("wrong-token", "right-token");
            assertThat(get(proxy, url, basic("alpha", "right-token")).status()).isEqualTo(200);
        }
    }

    @Test
    void requireIdentityAnswers407ToAnonymousClientsAndSourcesIdentifyWithoutCredentials() throws Exception {
        try (EgressProxy anonymous = proxy("egress-proxy { require-identity = true, policy.allow = [\"" + origin.authority() + "\"],"
                + " sandboxes.alpha.token = \"t\" }")) {
            RawClient.Reply reply = get(anonymous, "http://" + origin.authority() + "/x", null);
            assertThat(reply.status()).isEqualTo(407);
            assertThat(reply.header("X-Egress-Proxy-Reason")).contains("http://SANDBOX:TOKEN@");
        }
        try (EgressProxy bySource = proxy("egress-proxy { require-identity = true,"
                + " sandboxes.local { sources = [\"127.0.0.0/8\"], allow = [\"" + origin.authority() + "\"] } }")) {
            RawClient.Reply reply = get(bySource, "http://" + origin.authority() + "/x", null);
            assertThat(reply.status()).isEqualTo(200);
            assertThat(CapturedLog.accessLines()).anySatisfy(l -> assertThat(l).contains("sandbox=local"));
        }
    }

    @Test
    void reportModeLetsDeniedRequestsThroughAndLogsTheWouldBeDenial() throws Exception {
        TestProxies.dns().add("reported.test", "127.0.0.1");
        // The address entry lets the guard pass; the name itself is in no list, so the allow-list would deny it.
        try (EgressProxy proxy = proxy("egress-proxy.policy { mode = report, allow = [\"127.0.0.1\"] }")) {
            RawClient.Reply reply = get(proxy, "http://reported.test:" + origin.port() + "/reported", null);
            assertThat(reply.status()).isEqualTo(200);
            assertThat(CapturedLog.awaitAccessLine("/reported")).contains("decision=report", "would deny: host 'reported.test:"
                    + origin.port() + "' is not in the allow-list");
        }
    }

    @Test
    void requestRulesLimitMethodsAndPaths() throws Exception {
        try (EgressProxy proxy = proxy("egress-proxy.policy { allow = [\"" + origin.authority() + "\"], rules = ["
                + " { host = \"" + origin.authority() + "\", methods = [GET], paths = [\"/repos/acme/*\"] } ] }")) {
            String base = "http://" + origin.authority();
            assertThat(get(proxy, base + "/repos/acme/widgets", null).status()).isEqualTo(200);
            RawClient.Reply otherPath = get(proxy, base + "/repos/other/x", null);
            assertThat(otherPath.status()).isEqualTo(403);
            assertThat(otherPath.header("X-Egress-Proxy-Reason")).contains("matches no request rule", "GET /repos/acme/*");
            RawClient.Reply post = RawClient.exchange(proxy.address(), "POST " + base + "/repos/acme/x HTTP/1.1\r\nHost: "
                    + origin.authority() + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", 2000, 5000);
            assertThat(post.status()).isEqualTo(403);
            RawClient.Reply traversal = get(proxy, base + "/repos/acme/../other/x", null);
            assertThat(traversal.status()).isEqualTo(403);
            assertThat(traversal.header("X-Egress-Proxy-Reason")).contains("dot-segments");
            for (String trick : new String[] {"/repos/acme/..;/x", "/repos/acme/%252e%252e/x", "/repos/acme/%2e%2e/x", "/repos/acme//x"}) {
                assertThat(get(proxy, base + trick, null).status()).as(trick).isEqualTo(403);
            }
        }
    }

    @Test
    void reportModeStillKeepsTheAddressGuard() throws Exception {
        try (EgressProxy proxy = proxy("egress-proxy.policy { mode = report, allow = [] }")) {
            RawClient.Reply reply = get(proxy, "http://public-looking.test:" + loopbackListener.port() + "/", null);
            assertThat(reply.status()).isEqualTo(403);
            assertThat(reply.header("X-Egress-Proxy-Reason")).contains("loopback");
            assertThat(loopbackListener.connections()).isZero();
        }
    }

    @Test
    void defaultAllowStillKeepsTheGuardAndBlockList() throws Exception {
        try (EgressProxy proxy = proxy("egress-proxy.policy { default = allow, block = [\"blocked.test\"] }")) {
            RawClient.Reply guarded = get(proxy, "http://public-looking.test:" + loopbackListener.port() + "/", null);
            assertThat(guarded.status()).isEqualTo(403);
            assertThat(guarded.header("X-Egress-Proxy-Reason")).contains("127.0.0.1", "loopback");
            assertThat(get(proxy, "http://blocked.test/", null).status()).isEqualTo(403);
            assertThat(loopbackListener.connections()).isZero();
        }
    }

    @Test
    void anAllowedNameThatResolvesToLoopbackIsRefusedUnlessTheAddressIsAllowed() throws Exception {
        try (EgressProxy proxy = proxy("egress-proxy.policy.allow = [\"internal.test\"]")) {
            RawClient.Reply reply = get(proxy, "http://internal.test:" + loopbackListener.port() + "/", null);
            assertThat(reply.status()).isEqualTo(403);
            assertThat(reply.header("X-Egress-Proxy-Reason")).contains("internal.test", "127.0.0.1", "loopback");
            assertThat(loopbackListener.connections()).as("the refused address is never connected to").isZero();
        }
        try (EgressProxy proxy = proxy("egress-proxy.policy.allow = [\"internal.test\", \"127.0.0.1:" + origin.port() + "\"]")) {
            assertThat(get(proxy, "http://internal.test:" + origin.port() + "/", null).status()).isEqualTo(200);
        }
        try (EgressProxy proxy = proxy("egress-proxy.policy.allow = [\"localhost:" + origin.port() + "\"]")) {
            assertThat(get(proxy, "http://localhost:" + origin.port() + "/", null).status()).isEqualTo(200);
            assertThat(get(proxy, "http://host.docker.internal:" + origin.port() + "/", null).status())
                    .as("host.docker.internal means the host's loopback").isEqualTo(200);
            assertThat(get(proxy, "http://localhost:" + loopbackListener.port() + "/", null).status()).isEqualTo(403);
        }
    }
}
