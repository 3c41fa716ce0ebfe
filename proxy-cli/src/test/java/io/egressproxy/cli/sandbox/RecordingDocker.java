package io.egressproxy.cli.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A fake {@link Docker} that records every argv, answers from canned outputs, and fails the command a test names. */
final class RecordingDocker implements Docker {
    final List<String> calls = new ArrayList<>();
    final List<String> log;
    private final Predicate<String> fails;
    private final java.util.Map<String, String> answers = new java.util.LinkedHashMap<>();
    boolean probes = true;
    /** Probes that answer no even when {@link #probes} is true (by argv prefix). */
    final java.util.Set<String> failingProbes = new java.util.HashSet<>();
    /** What a failing command prints on stderr. */
    String failureStderr = "boom\n";

    RecordingDocker(List<String> log, Predicate<String> fails) {
        this.log = log;
        this.fails = fails;
    }

    /** Commands starting with {@code prefix} print {@code output}. */
    RecordingDocker answer(String prefix, String output) {
        answers.put(prefix, output);
        return this;
    }

    private final java.util.Map<String, String[]> answersAfter = new java.util.LinkedHashMap<>();

    /** Once a command starting with {@code trigger} has run, commands starting with {@code prefix} print {@code output}. */
    RecordingDocker answerAfter(String trigger, String prefix, String output) {
        answersAfter.put(trigger, new String[]{prefix, output});
        return this;
    }

    @Override
    public String run(List<String> argv, byte[] stdin) throws DockerException {
        String line = String.join(" ", argv);
        calls.add(line);
        log.add(line);
        answersAfter.forEach((trigger, answer) -> {
            if (line.startsWith(trigger)) {
                answers.put(answer[0], answer[1]);
            }
        });
        if (fails.test(line)) {
            throw new DockerException(argv, 125, failureStderr);
        }
        return answers.entrySet().stream().filter(e -> line.startsWith(e.getKey())).map(java.util.Map.Entry::getValue)
                .findFirst().orElse("");
    }

    @Override
    public boolean probe(List<String> argv) {
        String line = String.join(" ", argv);
        log.add("probe " + line);
        return probes && failingProbes.stream().noneMatch(line::startsWith);
    }

    @Override
    public int attach(List<String> argv) {
        log.add("attach " + String.join(" ", argv));
        return 0;
    }
}
