package io.egressproxy.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A policy with 10,000 allow entries of every kind decides exactly as a plain scan over the
 * entries would. The indexed lookup is what keeps a decision O(labels) rather than O(entries);
 * this checks that the index never disagrees with the entries, not how fast it is.
 */
@Timeout(30)
class PolicyScaleTest {

    private static final int EXACT = 4000;
    private static final int WILDCARD = 2000;
    private static final int DOMAIN = 2000;
    private static final int CIDR = 1000;
    private static final int ADDRESS = 1000;

    @Test
    void tenThousandEntriesDecideLikeAScanOverEveryEntry() throws Exception {
        List<String> entries = entries();
        assertThat(entries).hasSize(10_000);
        Policy policy = Policy.builder().allow(entries).build();
        List<HostPattern> patterns = entries.stream().map(HostPattern::parse).toList();

        assertThat(policy.warnings()).isEmpty();
        Random random = new Random(20240601);
        int allowed = 0;
        for (int i = 0; i < 3000; i++) {
            Host host = HostNames.parse(candidateHost(random));
            int port = new int[] {80, 443, 8080, 8443}[random.nextInt(4)];

            Decision decision = policy.decide(host, port);
            HostPattern scanned = patterns.stream().filter(p -> p.matches(host, port)).findFirst().orElse(null);

            assertThat(decision.allowed()).as("%s:%d", host, port).isEqualTo(scanned != null);
            if (scanned != null) {
                assertThat(HostPattern.parse(decision.rule()).matches(host, port)).as("%s:%d", host, port).isTrue();
                allowed++;
            }
        }
        assertThat(allowed).as("the sample must hold both outcomes").isBetween(300, 2700);
    }

    @Test
    void tenThousandEntriesDecideKnownRows() throws Exception {
        Policy policy = Policy.builder().allow(entries()).build();

        assertThat(policy.decide(HostNames.parse("host17.svc17.example.com"), 443).rule())
                .isEqualTo("host17.svc17.example.com:443");
        assertThat(policy.decide(HostNames.parse("host17.svc17.example.com"), 80).allowed()).isFalse();
        assertThat(policy.decide(HostNames.parse("a.b.team1999.example.org"), 22).rule()).isEqualTo("*.team1999.example.org");
        assertThat(policy.decide(HostNames.parse("team1999.example.org"), 22).allowed()).isFalse();
        assertThat(policy.decide(HostNames.parse("zone5.example.net"), 8443).rule()).isEqualTo(".zone5.example.net:8443");
        assertThat(policy.decide(HostNames.parse("x.zone5.example.net"), 443).allowed()).isFalse();
        assertThat(policy.decide(HostNames.parse("10.3.231.77"), 80).rule()).isEqualTo("10.3.231.0/24");
        assertThat(policy.decide(HostNames.parse("10.3.232.77"), 80).allowed()).isFalse();
        assertThat(policy.decide(HostNames.parse("172.16.3.231"), 8080).rule()).isEqualTo("172.16.3.231:8080");
        assertThat(policy.decide(HostNames.parse("172.16.3.232"), 8080).allowed()).isFalse();
    }

    private static List<String> entries() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < EXACT; i++) {
            out.add("host" + i + ".svc" + (i % 50) + ".example.com:443");
        }
        for (int i = 0; i < WILDCARD; i++) {
            out.add("*.team" + i + ".example.org");
        }
        for (int i = 0; i < DOMAIN; i++) {
            out.add(".zone" + i + ".example.net:8443");
        }
        for (int i = 0; i < CIDR; i++) {
            out.add("10." + (i / 256) + "." + (i % 256) + ".0/24");
        }
        for (int i = 0; i < ADDRESS; i++) {
            out.add("172.16." + (i / 256) + "." + (i % 256) + ":8080");
        }
        return out;
    }

    /** Hosts near the entries: matching ones, apexes, neighbours, glued prefixes and addresses just outside. */
    private static String candidateHost(Random random) {
        int n = random.nextInt(EXACT + 100);
        switch (random.nextInt(9)) {
            case 0:
                return "host" + n + ".svc" + (n % 50) + ".example.com";
            case 1:
                return "host" + n + ".svc" + ((n + 1) % 50) + ".example.com";
            case 2:
                return "a.b.team" + (n % (WILDCARD + 50)) + ".example.org";
            case 3:
                return "team" + (n % (WILDCARD + 50)) + ".example.org";
            case 4:
                return (random.nextBoolean() ? "" : "x.") + "zone" + (n % (DOMAIN + 50)) + ".example.net";
            case 5:
                return "evilzone" + (n % DOMAIN) + ".example.net";
            case 6:
                return "10." + random.nextInt(6) + "." + random.nextInt(256) + "." + random.nextInt(256);
            case 7:
                return "172.16." + random.nextInt(6) + "." + random.nextInt(256);
            default:
                return "[::ffff:10." + random.nextInt(6) + "." + random.nextInt(256) + ".1]";
        }
    }
}
