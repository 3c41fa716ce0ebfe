package io.egressproxy.cli.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proxy sidecar is started so that the terminal's signals cannot reach it: under setsid, in a
 * session of its own; without setsid, with those signals ignored. Linux only: it reads /proc.
 */
@Timeout(30)
@EnabledOnOs(OS.LINUX)
class DetachedProcessTest {
    @TempDir
    Path dir;

    @Test
    void setsidRunsTheCommandInPlaceAndTheFallbackIgnoresTheTerminalsSignals() {
        assertThat(DetachedProcess.argv(List.of("java", "-cp", "x"), Path.of("/usr/bin/setsid")))
                .containsExactly("/usr/bin/setsid", "java", "-cp", "x");
        assertThat(DetachedProcess.argv(List.of("java", "-cp", "x"), null))
                .containsExactly("/bin/sh", "-c", "trap '' INT QUIT TSTP HUP; exec \"$@\"", "sh", "java", "-cp", "x");
    }

    @Test
    void theStartedProcessLeadsASessionOfItsOwnWithStdinFromDevNull() throws Exception {
        Process process = DetachedProcess.start(List.of("sleep", "30"), dir.resolve("log"));
        try {
            ProcStat child = ProcStat.awaitCommand(process.pid(), "sleep");
            ProcStat self = ProcStat.of(ProcessHandle.current().pid());
            assertThat(child.session()).as("leads its own session").isEqualTo(process.pid())
                    .isNotEqualTo(self.session());
            assertThat(child.processGroup()).as("not in the caller's process group, where Ctrl-C lands")
                    .isNotEqualTo(self.processGroup());
            assertThat(child.terminal()).as("no controlling terminal").isZero();
            assertThat(Files.readSymbolicLink(Path.of("/proc/" + process.pid() + "/fd/0"))).isEqualTo(Path.of("/dev/null"));
        } finally {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void withoutSetsidTheCommandSurvivesSigint() throws Exception {
        Process process = new ProcessBuilder(DetachedProcess.argv(List.of("sleep", "30"), null))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            ProcStat.awaitCommand(process.pid(), "sleep"); // the trap is set once the shell has become sleep
            assertThat(new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).start().waitFor()).isZero();
            assertThat(process.waitFor(1, TimeUnit.SECONDS)).as("still running after SIGINT").isFalse();
        } finally {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The fields of /proc/PID/stat a test needs (see proc(5)). */
    record ProcStat(String command, long processGroup, long session, long terminal) {
        static ProcStat of(long pid) throws Exception {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String command = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
            // after "(comm)": state ppid pgrp session tty_nr ...
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new ProcStat(command, Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]));
        }

        /** Waits (up to 5 s) until the process runs {@code command}: setsid or sh has done its work and exec'd it. */
        static ProcStat awaitCommand(long pid, String command) throws Exception {
            ProcStat stat = of(pid);
            for (int i = 0; i < 250 && !stat.command().equals(command); i++) {
                Thread.sleep(20);
                stat = of(pid);
            }
            return stat;
        }
    }
}
