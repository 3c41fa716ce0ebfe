package io.egressproxy.cli;

import io.egressproxy.core.admin.AdminClient;
import io.egressproxy.core.admin.AdminToken;
import io.egressproxy.core.config.AdminSettings;
import io.egressproxy.core.config.ProxyConfigs;
import io.egressproxy.core.config.ProxySettings;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How CLI commands find the running proxy's admin API: from the same config file as {@code serve}
 * (its {@code egress-proxy.admin.listen} and token file), or the shipped conf/proxy.conf when it is
 * there, or the defaults.
 */
final class AdminOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "The proxy's config (admin address and token file); default conf/proxy.conf if present.")
    Path config;

    @Option(names = "--ephemeral", description = "Apply the change now but do not persist it across a restart.")
    boolean ephemeral;

    AdminClient client() throws IOException {
        Path file = config != null ? config : Files.exists(Path.of("conf/proxy.conf")) ? Path.of("conf/proxy.conf") : null;
        ProxySettings settings = ProxySettings.from(file == null
                ? ProxyConfigs.withDefaults(com.typesafe.config.ConfigFactory.empty()) : ProxyConfigs.load(file));
        AdminSettings admin = settings.admin();
        if (admin.listen() == null) {
            throw new IllegalArgumentException("egress-proxy.admin.listen is not a HOST:PORT in " + (file == null ? "the defaults" : file)
                    + "; the CLI talks to the admin API over TCP");
        }
        AdminToken token;
        try {
            token = AdminToken.read(admin.tokenFile());
        } catch (IOException e) {
            throw new IOException("cannot read the admin token " + admin.tokenFile() + " (" + e.getMessage()
                    + "); start the proxy once with this config so it creates the token", e);
        }
        return new AdminClient(URI.create("http://" + admin.listen() + "/"), token);
    }

    String persistField() {
        return ephemeral ? ", \"ephemeral\": true" : "";
    }

    static String json(String text) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c < 0x20 ? ' ' : c);
        }
        return sb.append('"').toString();
    }

    static String jsonList(java.util.List<String> items) {
        return "[" + String.join(", ", items.stream().map(AdminOptions::json).toList()) + "]";
    }
}
