package io.egressproxy.cli.sandbox;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code egress-proxy sandbox run NAME --image IMG …}: see {@link SandboxLauncher}. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Start a sandbox whose only way out is this proxy, then attach to CMD (or return with --detach).",
                "Starts the proxy if its admin API does not answer, registers the sandbox (default deny) with its lists,",
                "and removes everything it created if any step fails."})
public final class SandboxRunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    SandboxOptions options;
    @Parameters(index = "0", paramLabel = "NAME", description = "The sandbox's name (also the container's).")
    String name;
    @Option(names = "--image", required = true, paramLabel = "IMAGE", description = "Image to run (needs /bin/sh).")
    String image;
    @Option(names = "--runtime", paramLabel = "docker|docker-sandbox", defaultValue = "docker",
            description = "docker: a container on the local engine; docker-sandbox: a Docker Desktop micro-VM (default: ${DEFAULT-VALUE}).")
    String runtime;
    @Option(names = "--allow-host", paramLabel = "PATTERN", description = "Allow a host pattern for this sandbox; repeatable.")
    List<String> allow = new ArrayList<>();
    @Option(names = "--block-host", paramLabel = "PATTERN", description = "Block a host pattern for this sandbox; repeatable.")
    List<String> block = new ArrayList<>();
    @Option(names = "--bridge", paramLabel = "LISTEN=TARGET", description = "Start a bridge inside, e.g. 127.0.0.1:54321=localhost:12434; repeatable.")
    List<String> bridges = new ArrayList<>();
    @Option(names = "-e", paramLabel = "K=V", description = "An environment variable for the sandbox; repeatable.")
    List<String> env = new ArrayList<>();
    @Option(names = "-v", paramLabel = "SRC:DST[:ro]",
            description = "Bind-mount an existing host path (relative = from the current directory); repeatable.")
    List<String> volumes = new ArrayList<>();
    @Option(names = "--workspace", paramLabel = "DIR", description = "A directory mounted at /workspace (docker) or at its own path (docker-sandbox).")
    Path workspace;
    @Option(names = {"-d", "--detach"}, description = "Return once the sandbox runs (CMD, if given, starts in the background).")
    boolean detach;
    @Parameters(index = "1..*", paramLabel = "CMD", description = "The command to attach to (after --); default sh.")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Path here = Path.of("");
        List<String> mounts = volumes.stream().map(v -> BindMount.parse(v, here).toString()).toList();
        Path workspaceDir = workspace == null ? null : BindMount.workspace(workspace, here);
        SandboxSpec sandbox = new SandboxSpec(name, image, SandboxRuntimeKind.parse(runtime), allow, block,
                bridges.stream().map(BridgeRoute::parse).toList(), env, mounts, workspaceDir, detach, command);
        return new SandboxLauncher(options.context(spec, true, true)).run(sandbox);
    }
}
