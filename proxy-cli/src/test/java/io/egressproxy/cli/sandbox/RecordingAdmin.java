package io.egressproxy.cli.sandbox;

import java.util.List;

/** A fake {@link ProxyAdmin} that records calls into the same log as {@link RecordingDocker}. */
final class RecordingAdmin implements ProxyAdmin {
    private final List<String> log;

    RecordingAdmin(List<String> log) {
        this.log = log;
    }

    @Override
    public void register(String sandbox, List<String> allow, List<String> block) {
        log.add("admin register " + sandbox + " allow=" + allow + " block=" + block);
    }

    @Override
    public void unregister(String sandbox) {
        log.add("admin unregister " + sandbox);
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
        return List.of();
    }

    @Override
    public List<Decision> decisions(String sandbox) {
        return List.of();
    }
}
