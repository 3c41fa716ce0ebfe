package io.egressproxy.cli.sandbox;

import java.util.List;

/** A fake {@link ProxyAdmin} that records calls into the same log as {@link RecordingDocker}. */
final class RecordingAdmin implements ProxyAdmin {
    private final List<String> log;
    /** Names the proxy already has registered (by someone else): registering one fails as the real proxy does. */
    final java.util.Set<String> taken = new java.util.HashSet<>();
    /** What {@link #sandboxes()} answers. */
    final List<String> registered = new java.util.ArrayList<>();
    /** What {@link #decisions} answers. */
    final List<Decision> decisions = new java.util.ArrayList<>();

    RecordingAdmin(List<String> log) {
        this.log = log;
    }

    @Override
    public void register(String sandbox, List<String> allow, List<String> block) throws java.io.IOException {
        log.add("admin register " + sandbox + " allow=" + allow + " block=" + block);
        if (taken.contains(sandbox)) {
            throw new java.io.IOException("admin API answered 400: sandbox '" + sandbox
                    + "' is already registered; remove it first (POST /v1/sandboxes/remove)");
        }
        if (!forgetsRegistrations && !registered.contains(sandbox)) {
            registered.add(sandbox);
        }
    }

    /** As a proxy that was restarted after registering: {@link #sandboxes()} never lists what was registered. */
    boolean forgetsRegistrations;

    @Override
    public void unregister(String sandbox) {
        log.add("admin unregister " + sandbox);
    }

    @Override
    public void forget(String sandbox) {
        log.add("admin forget " + sandbox);
    }

    @Override
    public String openListener(String sandbox, String listen) {
        log.add("admin listener " + sandbox + " " + listen);
        return listen.replace(":0", ":40001");
    }

    @Override
    public void closeListener(String sandbox) {
        log.add("admin close-listener " + sandbox);
    }

    @Override
    public List<String> sandboxes() {
        return List.copyOf(registered);
    }

    @Override
    public List<Decision> decisions(String sandbox) {
        return decisions.stream().filter(d -> d.sandbox().equals(sandbox)).toList();
    }
}
