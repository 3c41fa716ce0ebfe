package io.egressproxy.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.egressproxy.core.EgressProxy;
import io.egressproxy.core.config.ProxyConfigs;
import io.egressproxy.core.config.ProxySettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code egress-proxy serve}: runs the proxy in the foreground until SIGINT/SIGTERM. Flags are
 * laid over the config file: {@code --listen} replaces the listen address, {@code --allow-host}
 * and {@code --block-host} add to the lists.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the proxy in the foreground (stop with Ctrl-C or SIGTERM).")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE",
            description = "HOCON config file laid over the defaults (e.g. conf/proxy.conf). Without it, only the defaults and flags apply.")
    Path config;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Listen address (overrides egress-proxy.listen).")
    String listen;

    @Option(names = "--allow-host", paramLabel = "PATTERN", description = "Allow a host pattern (adds to egress-proxy.policy.allow); repeatable.")
    List<String> allowHosts = new ArrayList<>();

    @Option(names = "--block-host", paramLabel = "PATTERN", description = "Block a host pattern (adds to egress-proxy.policy.block); repeatable.")
    List<String> blockHosts = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        EgressProxy proxy = config == null ? EgressProxy.start(ProxySettings.from(effectiveConfig()))
                : EgressProxy.start(this::effectiveConfig, config);
        reloadOnSighup(proxy);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            proxy.close();
            org.slf4j.LoggerFactory.getLogger(ServeCommand.class).info("egress-proxy stopped");
            stopped.countDown();
            // A stop asked for by SIGTERM/SIGINT is a normal end: exit 0, not 143.
            Runtime.getRuntime().halt(0);
        }, "egress-proxy-shutdown"));
        stopped.await();
        return 0;
    }

    /** SIGHUP re-reads the config file, as daemons do (the file is also watched). */
    private static void reloadOnSighup(EgressProxy proxy) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
                try {
                    proxy.reload();
                } catch (RuntimeException e) {
                    // logged by the proxy with the reason; the old config stays
                }
            });
        } catch (IllegalArgumentException e) {
            // no SIGHUP on this platform
        }
    }

    /** The file (or defaults), then the flags on top. */
    Config effectiveConfig() {
        Config base = config == null ? ProxyConfigs.withDefaults(ConfigFactory.empty()) : ProxyConfigs.load(config);
        Config flags = ConfigFactory.empty();
        if (listen != null) {
            flags = flags.withValue("egress-proxy.listen", ConfigValueFactory.fromAnyRef(listen, "--listen"));
        }
        if (!allowHosts.isEmpty()) {
            flags = flags.withValue("egress-proxy.policy.allow", ConfigValueFactory.fromIterable(
                    concat(base.getStringList("egress-proxy.policy.allow"), allowHosts), "--allow-host"));
        }
        if (!blockHosts.isEmpty()) {
            flags = flags.withValue("egress-proxy.policy.block", ConfigValueFactory.fromIterable(
                    concat(base.getStringList("egress-proxy.policy.block"), blockHosts), "--block-host"));
        }
        return flags.withFallback(base);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
