package io.egressproxy.cli.sandbox;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Options every {@code sandbox} sub-command shares (picocli mixin), and the one place that turns
 * them into a {@link LaunchContext}.
 */
public final class SandboxOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "The proxy's config (admin API, CA, credential placeholders); default conf/proxy.conf if present.")
    Path config;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "${env:EGRESS_PROXY_STATE_DIR:-${sys:user.home}/.egress-proxy/sandboxes}",
            description = "Where the launcher keeps the proxy's log and pid files and one record per sandbox (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--subnet-pool", paramLabel = "CIDR", defaultValue = "${env:EGRESS_PROXY_SANDBOX_SUBNET_POOL:-10.213.0.0/16}",
            description = "IPv4 pool the per-sandbox /24 networks come from, a prefix from /8 to /24, not loopback,"
                    + " link-local or multicast; /24s that Docker or the host's routes use are skipped;"
                    + " env EGRESS_PROXY_SANDBOX_SUBNET_POOL (default: ${DEFAULT-VALUE}).")
    String subnetPool;

    @Option(names = "--docker-timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "Time limit for each docker command, at least 1 (default: ${DEFAULT-VALUE}).")
    long dockerTimeout;

    @Option(names = "--docker", paramLabel = "FILE", defaultValue = "${env:EGRESS_PROXY_DOCKER:-docker}",
            description = "The docker executable (default: ${DEFAULT-VALUE}, looked up on PATH).")
    String docker;

    @Option(names = "--jar", paramLabel = "FILE", description = "The egress-proxy jar to run bridges from (default: the one running).")
    Path jar;

    /** Does the proxy's state file keep anything for {@code name} (see {@link LauncherSetup#savedStateFor})? */
    boolean proxySavedStateFor(String name) {
        return new LauncherSetup(config).savedStateFor(name);
    }

    /**
     * @param startProxy start {@code egress-proxy serve} when the admin API does not answer
     * @param needAdmin  false: a proxy that is not running gives a null admin (for {@code rm})
     */
    LaunchContext context(CommandSpec spec, boolean startProxy, boolean needAdmin) throws IOException, InterruptedException {
        if (dockerTimeout <= 0) {
            throw new IllegalArgumentException("--docker-timeout " + dockerTimeout + " leaves docker no time;"
                    + " give the seconds each docker command may take, at least 1 (default 120)");
        }
        LauncherSetup setup = new LauncherSetup(config);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (startProxy) {
            ProxySidecar.ensure(setup.adminBase(), setup.configFile(), stateDir, err);
            setup.placeholderWarnings().forEach(err::println);
        }
        if (startProxy) {
            PrivateFiles.createDirectories(stateDir); // whichever of the steps below comes first would create it world-readable
        }
        Path caFile = startProxy ? setup.caFile() : null;
        Path trustStore = caFile == null ? null : JavaTrustStore.write(caFile, stateDir.resolve("truststore.p12"));
        // null when the proxy is not running and the command can do without it; each command says what that means for it
        ProxyAdmin admin = needAdmin || ProxySidecar.healthy(setup.adminBase()) ? setup.admin() : null;
        return new LaunchContext(new DockerCli(Duration.ofSeconds(dockerTimeout), docker), admin, out, err,
                new SubnetPool(subnetPool, 24), caFile, trustStore,
                jar != null ? jar : LauncherSetup.ownJar(), startProxy ? setup.placeholders() : java.util.Map.of(),
                new SandboxStore(stateDir), System.console() != null);
    }
}
