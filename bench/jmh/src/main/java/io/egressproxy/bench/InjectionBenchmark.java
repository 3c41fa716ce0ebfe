package io.egressproxy.bench;

import io.egressproxy.core.inject.CredentialRule;
import io.egressproxy.core.inject.EchoRedactor;
import io.egressproxy.core.inject.HeaderInjector;
import io.egressproxy.core.inject.Secret;
import io.egressproxy.core.policy.HostPattern;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Header injection on a typical API request, and echo redaction over a 16 KiB response chunk. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class InjectionBenchmark {
    private List<CredentialRule> rules;
    private byte[] chunk;

    @Setup
    public void setup() {
        rules = List.of(new CredentialRule("anthropic", List.of(HostPattern.parse("api.anthropic.com")),
                Map.of("x-api-key", "{secret}"), Secret.of("sk-ant-api03-0123456789abcdef0123456789abcdef"),
                "egress-proxy-managed", false));
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 16 * 1024) {
            sb.append("data: {\"choices\":[{\"delta\":{\"content\":\"token\"}}]}\n\n");
        }
        chunk = sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public HttpHeaders injectHeader() {
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.set("host", "api.anthropic.com");
        headers.set("content-type", "application/json");
        headers.set("x-api-key", "egress-proxy-managed");
        headers.set("anthropic-version", "2023-06-01");
        HeaderInjector.apply(rules, headers::remove, headers::add);
        return headers;
    }

    @Benchmark
    public byte[] redactChunk() {
        return new EchoRedactor(rules).redact(chunk, true);
    }
}
