package io.egressproxy.bench;

import io.egressproxy.core.policy.Decision;
import io.egressproxy.core.policy.Host;
import io.egressproxy.core.policy.HostNames;
import io.egressproxy.core.policy.Policy;
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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A policy decision with 10,000 allow entries (exact names, wildcards, dot-suffixes, CIDRs):
 * the decision must stay O(labels), well under a microsecond (issue 8's target).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PolicyDecisionBenchmark {
    private Policy policy;
    private Host allowedExact;
    private Host allowedWildcard;
    private Host deniedName;
    private Host allowedAddress;

    @Setup
    public void setup() throws Exception {
        List<String> allow = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            switch (i % 4) {
                case 0 -> allow.add("api" + i + ".service" + (i % 97) + ".example.com");
                case 1 -> allow.add("*.tenant" + i + ".example.net");
                case 2 -> allow.add(".corp" + i + ".example.org:443");
                default -> allow.add("10." + (i / 256 % 256) + "." + (i % 256) + ".0/24");
            }
        }
        policy = Policy.builder().allow("bench", allow).block("bench-block", List.of("blocked.example.com")).build();
        allowedExact = HostNames.parse("api4000.service23.example.com");
        allowedWildcard = HostNames.parse("a.b.tenant4001.example.net");
        deniedName = HostNames.parse("nothing.here.example.io");
        allowedAddress = HostNames.parse("10.15.159.7");
    }

    @Benchmark
    public Decision exactName() {
        return policy.decide(allowedExact, 443);
    }

    @Benchmark
    public Decision wildcardName() {
        return policy.decide(allowedWildcard, 443);
    }

    @Benchmark
    public Decision defaultDenial() {
        return policy.decide(deniedName, 443);
    }

    @Benchmark
    public Decision cidrAddress() {
        return policy.decide(allowedAddress, 8080);
    }
}
