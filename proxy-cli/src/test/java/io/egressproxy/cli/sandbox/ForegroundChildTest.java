package io.egressproxy.cli.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** How {@code sandbox run} and {@code exec} describe the end of an attached command. */
@Timeout(5)
class ForegroundChildTest {
    @Test
    void anExitCodeAbove128NamesTheSignal() {
        assertThat(ForegroundChild.describe(0)).isEqualTo("exited with 0");
        assertThat(ForegroundChild.describe(7)).isEqualTo("exited with 7");
        assertThat(ForegroundChild.describe(128)).isEqualTo("exited with 128");
        assertThat(ForegroundChild.describe(130)).isEqualTo("ended by SIGINT, exit 130");
        assertThat(ForegroundChild.describe(137)).isEqualTo("ended by SIGKILL, exit 137");
        assertThat(ForegroundChild.describe(143)).isEqualTo("ended by SIGTERM, exit 143");
        assertThat(ForegroundChild.describe(138)).isEqualTo("ended by signal 10, exit 138");
        assertThat(ForegroundChild.describe(255)).isEqualTo("exited with 255");
    }
}
