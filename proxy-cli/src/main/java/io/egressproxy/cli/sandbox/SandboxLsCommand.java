package io.egressproxy.cli.sandbox;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
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
        names.addAll(registered);
        PrintWriter out = ctx.out();
        out.println("NAME\tRUNTIME\tSTATUS\tIMAGE\tPROXY");
        for (String name : names) {
            String row = status.get(name);
            if (row == null) {
                row = ctx.store().find(name).map(e -> e.runtime().label() + "\t-\t-").orElse("-\t-\t-");
            }
            out.println(name + "\t" + row + "\t" + (registered.contains(name) ? "registered" : "-"));
        }
        out.flush();
        return 0;
    }
}
