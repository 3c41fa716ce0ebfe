package io.egressproxy.core.observe;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** The recent-decisions ring: bounded, newest first, filtered by sandbox. */
@Timeout(10)
class DecisionLogTest {
    private static DecisionLog.Entry entry(String sandbox, String target, String decision) {
        return new DecisionLog.Entry("2025-01-01T00:00:00Z", sandbox, "GET", target, decision, 200, null, null);
    }

    @Test
    void keepsTheNewestEntriesUpToItsCapacity() {
        DecisionLog log = new DecisionLog(3);
        for (int i = 0; i < 5; i++) {
            log.add(entry("a", "http://h/" + i, "allow"));
        }
        assertThat(log.recent()).extracting(DecisionLog.Entry::target).containsExactly("http://h/4", "http://h/3", "http://h/2");
    }

    @Test
    void filtersBySandboxIncludingTheUnclaimedClients() {
        DecisionLog log = new DecisionLog(10);
        log.add(entry("a", "http://a/1", "allow"));
        log.add(entry("b", "http://b/1", "deny"));
        log.add(entry(null, "http://none/1", "deny"));
        log.add(entry("a", "http://a/2", "deny"));
        assertThat(log.recent("a")).extracting(DecisionLog.Entry::target).containsExactly("http://a/2", "http://a/1");
        assertThat(log.recent("b")).extracting(DecisionLog.Entry::target).containsExactly("http://b/1");
        assertThat(log.recent(null)).extracting(DecisionLog.Entry::target).containsExactly("http://none/1");
    }

    @Test
    void capacityZeroKeepsNothing() {
        DecisionLog log = new DecisionLog(0);
        log.add(entry("a", "http://a/1", "allow"));
        assertThat(log.recent()).isEmpty();
    }
}
