package io.egressproxy.core.cases;

import io.egressproxy.core.EgressProxy;
import io.egressproxy.core.testing.CapturedLog;
import io.egressproxy.core.testing.RawServer;
import io.egressproxy.core.testing.TestProxies;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test bed of CASES.md §0, on loopback, for the case classes in this package.
 *
 * <p><b>Translation of CFG-BASE and the harness DNS.</b> CASES.md wants upstreams and canaries
 * on addresses the private-address guard treats as public (a network namespace). Here every
 * server sits on its own loopback address instead, and the proxy's allow-list names the
 * <em>upstream</em> addresses explicitly, because the guard refuses a loopback address unless an
 * IP or CIDR entry allows that very address. The canaries' addresses are never allowed, so the
 * guard would refuse them too: tests therefore also assert the <em>reason</em> of a denial, to
 * prove that the allow-list (and not only the guard) refused.
 * <pre>
 *   CASES.md                                   here (DNS through TestProxies.dns())
 *   U1  api.example.com                        127.0.0.11:PORT
 *   U2  api.example.net                        127.0.0.12:PORT
 *   U3  www.example.com, *.cdn.example.com     127.0.0.13:PORT (a.cdn.example.com, a.b.cdn.example.com)
 *   U3  www.example.net                        127.0.0.14:PORT ("U4": its own upstream, so C28 can tell
 *                                              www.example.net from www.example.com, as C28 suggests)
 *   C1  evil.example.net and other never-allowed names
 *                                              127.0.0.66:PORT, and 127.0.0.66:80 when that can be bound
 *   C0  127.0.0.1:9999                         127.0.0.1:a free port
 *
 *   allow (CFG-BASE):  www.example.com, www.example.net, *.cdn.example.com,
 *                      api.example.com:443, api.example.net:443
 *   plus addresses:    127.0.0.11, 127.0.0.12, 127.0.0.13, 127.0.0.14
 *   credentials:       none (the proxy does not inject credentials yet; those cases need interception)
 * </pre>
 * All upstreams listen on one shared port number PORT, so URLs read
 * {@code http://www.example.com:PORT/path} where CASES.md writes {@code http://www.example.com/path};
 * {@code default-ports} stays "any port" unless a case sets it (C11 sets {@code [80, 443]}).
 *
 * <p>Each upstream is a {@link RecordingUpstream} (raw bytes per connection, parsed requests);
 * each canary a {@link RawServer} (connection count, raw bytes). {@link #reset()} before each
 * input, then assert; {@link #assertServesControlRequest()} after it. Used from one test thread;
 * {@link #close()} stops every server and the proxy. It is over 300 lines because it is the one
 * place that knows the translated address plan; the servers, client and rules it uses live in
 * their own classes ({@link RecordingUpstream}, {@link Wire}, {@link FramingRule}).
 */
final class CaseBed implements AutoCloseable {
    static final String U1 = "127.0.0.11";
    static final String U2 = "127.0.0.12";
    static final String U3 = "127.0.0.13";
    static final String U4 = "127.0.0.14";
    static final String C1 = "127.0.0.66";
    /** The allow-list of CFG-BASE, translated (see the class comment). */
    static final List<String> CFG_BASE_ALLOW = List.of(
            "www.example.com", "www.example.net", "*.cdn.example.com", "api.example.com:443", "api.example.net:443",
            U1, U2, U3, U4);
    /** How long a reply may take. */
    static final long REPLY_MILLIS = 5000;
    /** The control request must be answered within this (CASES.md §0, observable 5). */
    static final long CONTROL_MILLIS = 1000;

    static {
        TestProxies.dns()
                .add("api.example.com", U1)
                .add("api.example.net", U2)
                .add("www.example.com", U3)
                .add("a.cdn.example.com", U3)
                .add("a.b.cdn.example.com", U3)
                .add("www.example.net", U4)
                .add("evil.example.net", C1)
                .add("evilcdn.example.com", C1)
                .add("cdn.example.com", C1)
                .add("cdn.example.com.evil.example.net", C1)
                .add("a.cdn.example.com.evil.example.net", C1)
                .add("xwww.example.net", C1)
                .add("www.example.net.evil.example.net", C1);
    }

    /** What one raw exchange produced. {@code reply} is null if the proxy closed without answering. */
    record Outcome(Wire.Reply reply, boolean closed, String extra) {
        int status() {
            return reply == null ? -1 : reply.status();
        }
    }

    private final EventLoopGroup group;
    private final int port;
    final RecordingUpstream u1;
    final RecordingUpstream u2;
    final RecordingUpstream u3;
    final RecordingUpstream u4;
    final RawServer c1;
    /** C1 on port 80 for targets written without a port; null when port 80 cannot be bound here. */
    final RawServer c1Http;
    final RawServer c0;
    private final List<RawServer> extraCanaries = new ArrayList<>();
    private final List<RecordingUpstream> extraUpstreams = new ArrayList<>();
    private EgressProxy proxy;
    private int c1Baseline;
    private int c0Baseline;
    private final List<Integer> extraBaselines = new ArrayList<>();
    private final List<String> extraLabels = new ArrayList<>();

    private CaseBed() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("case-upstream", true), NioIoHandler.newFactory());
        RecordingUpstream[] ups = null;
        int chosen = -1;
        for (int attempt = 0; attempt < 20 && ups == null; attempt++) {
            RecordingUpstream first = new RecordingUpstream("U3", group, U3, 0);
            int p = first.port();
            List<RecordingUpstream> started = new ArrayList<>(List.of(first));
            try {
                started.add(new RecordingUpstream("U1", group, U1, p));
                started.add(new RecordingUpstream("U2", group, U2, p));
                started.add(new RecordingUpstream("U4", group, U4, p));
                ups = started.toArray(new RecordingUpstream[0]);
                chosen = p;
            } catch (Exception e) {
                if (!(e instanceof BindException)) {
                    started.forEach(RecordingUpstream::close);
                    throw e;
                }
                started.forEach(RecordingUpstream::close);
            }
        }
        if (ups == null) {
            throw new IllegalStateException("could not find one free port on 127.0.0.11-14");
        }
        port = chosen;
        u3 = ups[0];
        u1 = ups[1];
        u2 = ups[2];
        u4 = ups[3];
        c1 = new RawServer(C1, port, "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\ncanary\n");
        c1Http = tryCanary(C1, 80);
        c0 = new RawServer("127.0.0.1", "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\ncanary\n");
    }

    /** The upstreams and canaries, and a proxy with CFG-BASE. */
    static CaseBed start() throws Exception {
        CaseBed bed = withoutProxy();
        bed.startProxy(UnaryOperator.identity());
        return bed;
    }

    /** The upstreams and canaries only; call {@link #startProxy} next. */
    static CaseBed withoutProxy() throws Exception {
        return new CaseBed();
    }

    /** Starts the proxy with CFG-BASE, as changed by {@code customise} (more allow entries, default ports...). */
    EgressProxy startProxy(UnaryOperator<EgressProxy.Builder> customise) {
        proxy = customise.apply(TestProxies.builder()
                .allow(CFG_BASE_ALLOW.toArray(String[]::new))
                .set("egress-proxy.limits.response-timeout", "5s")).start();
        return proxy;
    }

    /** A canary on {@code address:port} if it can be bound (ports below 1024 need root), else null. */
    RawServer tryCanary(String address, int canaryPort) {
        try {
            RawServer server = new RawServer(address, canaryPort, "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\ncanary\n");
            extraCanaries.add(server);
            extraBaselines.add(0);
            extraLabels.add(address + ":" + canaryPort);
            return server;
        } catch (IOException e) {
            return null;
        }
    }

    /** Another recording upstream on {@code address:upstreamPort} if it can be bound, else null. */
    RecordingUpstream tryUpstream(String name, String address, int upstreamPort) {
        try {
            RecordingUpstream upstream = new RecordingUpstream(name, group, address, upstreamPort);
            extraUpstreams.add(upstream);
            return upstream;
        } catch (Exception e) {
            return null;
        }
    }

    EgressProxy proxy() {
        return proxy;
    }

    InetSocketAddress proxyAddress() {
        return proxy.address();
    }

    /** The port every upstream and C1 listen on. */
    int port() {
        return port;
    }

    /** {@code host:PORT}. */
    String authority(String host) {
        return host + ":" + port;
    }

    /** {@code http://host:PORT} + path. */
    String url(String host, String path) {
        return "http://" + authority(host) + path;
    }

    /** {@code GET url HTTP/1.1} with a matching Host header, as a client would send it. */
    String get(String host, String path) {
        return "GET " + url(host, path) + " HTTP/1.1\r\nHost: " + authority(host) + "\r\n\r\n";
    }

    /** Forgets what was logged and what every server received, before the next input. */
    void reset() throws InterruptedException {
        Thread.sleep(20); // let the previous control request's access line land before clearing
        CapturedLog.clear();
        for (RecordingUpstream u : upstreams()) {
            u.reset();
        }
        c1Baseline = c1.connections();
        c0Baseline = c0.connections();
        for (int i = 0; i < extraCanaries.size(); i++) {
            extraBaselines.set(i, extraCanaries.get(i).connections());
        }
    }

    /** U1..U4 and any {@link #tryUpstream extra} upstream. */
    List<RecordingUpstream> upstreams() {
        List<RecordingUpstream> all = new ArrayList<>(List.of(u1, u2, u3, u4));
        all.addAll(extraUpstreams);
        return all;
    }

    /** Sends {@code request} on a new connection and reads one reply and whether the proxy then closed. */
    Outcome exchange(String request) throws IOException {
        return exchange(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    Outcome exchange(byte[] request) throws IOException {
        try (Wire wire = Wire.connect(proxy.address())) {
            wire.send(request);
            boolean connect = new String(request, 0, Math.min(8, request.length), java.nio.charset.StandardCharsets.ISO_8859_1)
                    .startsWith("CONNECT ");
            Wire.Reply reply = connect ? wire.readConnectReply(REPLY_MILLIS) : wire.readReply(REPLY_MILLIS);
            boolean closed = reply == null || wire.closedWithin(Wire.CLOSE_GRACE_MILLIS);
            return new Outcome(reply, closed, wire.extra());
        }
    }

    /** Opens a connection for a multi-step exchange. */
    Wire connect() throws IOException {
        return Wire.connect(proxy.address());
    }

    /** Asserts the proxy answered itself with {@code status}, {@code code} and a reason containing {@code reasonPart}. */
    static void assertProxyError(Outcome outcome, int status, String code, String reasonPart) {
        assertThat(outcome.reply()).as("a reply from the proxy").isNotNull();
        assertThat(outcome.status()).as("status of %s", outcome.reply()).isEqualTo(status);
        assertThat(outcome.reply().proxyError()).as("X-Egress-Proxy-Error of %s", outcome.reply()).isEqualTo(code);
        assertThat(outcome.reply().reason()).as("X-Egress-Proxy-Reason").contains(reasonPart);
        assertThat(outcome.reply().bodyText()).as("the body is the reason line").isEqualTo(outcome.reply().reason() + "\n");
        assertThat(outcome.extra()).as("nothing after the proxy's answer").isEmpty();
    }

    /** No upstream received a byte or a connection since {@link #reset()}, and no canary was contacted. */
    void assertNothingForwarded() throws InterruptedException {
        Thread.sleep(50);
        for (RecordingUpstream u : upstreams()) {
            assertThat(u.raw()).as("bytes %s received", u.name()).isEmpty();
            assertThat(u.connectionsAccepted()).as("connections to %s", u.name()).isZero();
        }
        assertCanariesUntouched();
    }

    /** No canary (C1, C0, and any extra canary) got a connection since {@link #reset()}. */
    void assertCanariesUntouched() {
        assertThat(c1.connections() - c1Baseline).as("connections to C1 %s:%s", C1, port).isZero();
        assertThat(c0.connections() - c0Baseline).as("connections to C0 127.0.0.1:%s", c0.port()).isZero();
        for (int i = 0; i < extraCanaries.size(); i++) {
            RawServer canary = extraCanaries.get(i);
            assertThat(canary.connections() - extraBaselines.get(i)).as("connections to canary %s", extraLabels.get(i)).isZero();
        }
    }

    /** Waits for the access-log line containing every part. */
    static String accessLine(String... parts) throws InterruptedException {
        return CapturedLog.awaitAccessLine(parts);
    }

    /**
     * The control request of CASES.md §0: {@code GET http://www.example.com:PORT/ok} through the
     * proxy on a new connection is answered by U3 within {@link #CONTROL_MILLIS}.
     */
    void assertServesControlRequest() throws IOException {
        long start = System.nanoTime();
        try (Wire wire = connect()) {
            wire.send(get("www.example.com", "/ok"));
            Wire.Reply reply = wire.readReply(CONTROL_MILLIS);
            long millis = (System.nanoTime() - start) / 1_000_000L;
            assertThat(reply).as("control request answered").isNotNull();
            assertThat(reply.status()).as("control request: %s", reply).isEqualTo(200);
            assertThat(reply.bodyText()).isEqualTo("ok from U3\n");
            assertThat(millis).as("control request time (ms)").isLessThan(CONTROL_MILLIS);
        }
    }

    @Override
    public void close() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        for (RecordingUpstream u : upstreams()) {
            u.close();
        }
        c1.close();
        c0.close();
        for (RawServer canary : extraCanaries) {
            canary.close();
        }
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** A free TCP port on 127.0.0.1 (closed again, so there is a small race; fine for tests). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
