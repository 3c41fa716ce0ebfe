package io.egressproxy.cli;

import io.egressproxy.core.config.ProxyConfigs;
import io.egressproxy.core.config.ProxySettings;
import io.egressproxy.core.config.TlsSettings;
import io.egressproxy.core.tls.CertificateAuthority;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code egress-proxy ca export|path}: the interception CA that sandboxes must trust. Uses the
 * same config as {@code serve}, and creates the CA if it does not exist yet.
 */
@Command(name = "ca", mixinStandardHelpOptions = true, description = "The interception CA sandboxes must trust.",
        subcommands = {CaCommand.Export.class, CaCommand.PathOf.class})
final class CaCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static CertificateAuthority load(Path config) {
        ProxySettings settings = ProxySettings.from(config == null
                ? ProxyConfigs.withDefaults(com.typesafe.config.ConfigFactory.empty()) : ProxyConfigs.load(config));
        TlsSettings tls = settings.tls();
        return tls.caCert() != null ? CertificateAuthority.load(tls.caCert(), tls.caKey()) : CertificateAuthority.loadOrCreate(tls.caDir());
    }

    @Command(name = "export", mixinStandardHelpOptions = true, description = "Print (or write) the CA certificate in PEM.")
    static final class Export implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--config", paramLabel = "FILE", description = "The proxy's config (for egress-proxy.tls.*).")
        Path config;
        @Option(names = "--out", paramLabel = "FILE", description = "Write the PEM here instead of printing it.")
        Path out;

        @Override
        public Integer call() throws IOException {
            CertificateAuthority ca = load(config);
            if (out == null) {
                spec.commandLine().getOut().print(ca.certificatePem());
                spec.commandLine().getOut().flush();
            } else {
                Files.writeString(out, ca.certificatePem(), StandardCharsets.US_ASCII);
                spec.commandLine().getErr().println("wrote " + out + " (SHA-256 " + ca.sha256Fingerprint() + ")");
            }
            return 0;
        }
    }

    @Command(name = "path", mixinStandardHelpOptions = true, description = "Print where the CA certificate lives.")
    static final class PathOf implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--config", paramLabel = "FILE", description = "The proxy's config (for egress-proxy.tls.*).")
        Path config;

        @Override
        public Integer call() {
            CertificateAuthority ca = load(config);
            spec.commandLine().getOut().println(ca.certificatePath());
            return 0;
        }
    }
}
