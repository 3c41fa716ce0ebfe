package io.egressproxy.bench;

import io.egressproxy.core.tls.CertificateAuthority;
import io.egressproxy.core.tls.LeafCertificate;
import io.egressproxy.core.tls.LeafCertificates;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Minting a leaf certificate for a host not seen before (EC P-256, one shared key pair), and a cache hit. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LeafMintBenchmark {
    private final AtomicLong next = new AtomicLong();
    private ExecutorService executor;
    private LeafCertificates leaves;

    @Setup
    public void setup() throws Exception {
        executor = Executors.newSingleThreadExecutor();
        leaves = new LeafCertificates(CertificateAuthority.createInMemory(), 1_000_000, Duration.ofDays(7), executor);
        leaves.leafFor("cached.example.com").get();
    }

    @TearDown
    public void tearDown() {
        executor.shutdownNow();
    }

    @Benchmark
    public LeafCertificate mintNewHost() throws Exception {
        return leaves.leafFor("h" + next.incrementAndGet() + ".example.com").get();
    }

    @Benchmark
    public LeafCertificate cachedHost() throws Exception {
        return leaves.leafFor("cached.example.com").get();
    }
}
