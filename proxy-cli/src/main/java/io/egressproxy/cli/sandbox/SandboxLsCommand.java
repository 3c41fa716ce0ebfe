package io.egressproxy.cli.sandbox;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * {@code egress-proxy sandbox ls}: the launcher's sandboxes from their Docker labels and the
 * launcher's records, and the names the proxy has registered.
 */
@Command(name = "ls", mixinStandardHelpOptions = true, description = "List sandboxes: containers (by label), docker sandboxes, and the proxy's registry.")
public final class SandboxLsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    SandboxOptions options;

    @Override
    public Integer call() throws Exception {
        LaunchContext ctx = options.context(spec, false, false);
        Map<String, String> status = new LinkedHashMap<>();
        try {
            for (String line : LaunchContext.lines(ctx.docker().run(DockerArgs.list()))) {
                String[] cols = line.split("\t", 3);
                status.put(cols[0], "docker\t" + (cols.length > 1 ? cols[1] : "-") + "\t" + (cols.length > 2 ? cols[2] : "-"));
            }
        } catch (DockerException e) {
            ctx.err().println("cannot list containers: " + e.getMessage());
        }
        List<String> registered = ctx.admin() == null ? List.of() : ctx.admin().sandboxes();
        TreeSet<String> names = new TreeSet<>(status.keySet());
        names.addAll(ctx.store().names());
        names.addAll(registered);
        List<String> unregistered = new ArrayList<>();
        PrintWriter out = ctx.out();
        out.println("NAME\tRUNTIME\tSTATUS\tIMAGE\tPROXY");
        for (String name : names) {
            String row = status.get(name);
            if (row == null && SandboxNames.isValid(name)) { // the proxy may know names the launcher never made
                row = ctx.store().find(name).map(e -> e.runtime().label() + "\t-\t-").orElse(null);
            }
            if (row != null && ctx.admin() != null && !registered.contains(name)) {
                unregistered.add(name);
            }
            out.println(name + "\t" + (row == null ? "-\t-\t-" : row) + "\t" + (registered.contains(name) ? "registered" : "-"));
        }
        out.flush();
        footnotes(ctx, names.isEmpty(), unregistered);
        return 0;
    }

    /**
     * Why a sandbox shows {@code PROXY -} and what to do. Its registration and listener live in the
     * proxy's memory only (so they end with it), and the container's proxy variables name that
     * listener's port: a sandbox outlives a proxy restart, reaching nothing, until it is made again.
     */
    private static void footnotes(LaunchContext ctx, boolean none, List<String> unregistered) {
        if (ctx.admin() == null && !none) {
            ctx.err().println("PROXY -: the proxy is not running, so no sandbox reaches anything. Sandboxes started before it"
                    + " stopped must be made again once it runs: `egress-proxy sandbox rm NAME`, then `egress-proxy sandbox run"
                    + " NAME …` (which starts the proxy)");
        }
        for (String name : unregistered) {
            ctx.err().println("PROXY - for " + name + ": not registered with the running proxy (it was restarted after " + name
                    + " started), so " + name + " reaches nothing; make it again: `egress-proxy sandbox rm " + name
                    + "`, then `egress-proxy sandbox run " + name + " …`");
        }
        ctx.err().flush();
    }
}
