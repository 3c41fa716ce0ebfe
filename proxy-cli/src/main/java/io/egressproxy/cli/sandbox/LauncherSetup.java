package io.egressproxy.cli.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.egressproxy.core.admin.AdminClient;
import io.egressproxy.core.admin.AdminToken;
import io.egressproxy.core.config.ProxyConfigs;
import io.egressproxy.core.config.ProxySettings;
import io.egressproxy.core.tls.CertificateAuthority;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reads, once, what the sandbox commands need from the proxy's config: where the admin API is and
 * its token, the CA certificate, and the placeholder for each active credential rule's variable.
 * Immutable after construction.
 */
public final class LauncherSetup {
    private final Path configFile;
    private final ProxySettings settings;

    /** {@code configFile} null: conf/proxy.conf when it exists, else the defaults (as the other CLI commands do). */
    public LauncherSetup(Path configFile) {
        this.configFile = configFile != null ? configFile
                : Files.exists(Path.of("conf/proxy.conf")) ? Path.of("conf/proxy.conf") : null;
        Config config = this.configFile == null ? ProxyConfigs.withDefaults(ConfigFactory.empty()) : ProxyConfigs.load(this.configFile);
        this.settings = ProxySettings.from(config);
    }

    public Path configFile() {
        return configFile;
    }

    public URI adminBase() {
        if (settings.admin().listen() == null) {
            throw new IllegalArgumentException("egress-proxy.admin.listen is not a HOST:PORT in "
                    + (configFile == null ? "the defaults" : configFile) + "; the sandbox launcher talks to the admin API over TCP");
        }
        return URI.create("http://" + settings.admin().listen() + "/");
    }

    public ProxyAdmin admin() throws IOException {
        AdminToken token;
        try {
            token = AdminToken.read(settings.admin().tokenFile());
        } catch (IOException e) {
            throw new IOException("cannot read the admin token " + settings.admin().tokenFile() + " (" + e.getMessage()
                    + "); start the proxy once with this config so it creates the token", e);
        }
        return new AdminApi(new AdminClient(adminBase(), token));
    }

    /**
     * Does the proxy's state file keep anything for this sandbox name: a registration or saved
     * policy changes, which only the running proxy can remove? True when the file cannot be read.
     */
    public boolean savedStateFor(String name) {
        Path stateFile = settings.admin().stateFile() != null ? settings.admin().stateFile()
                : configFile != null ? Path.of(configFile + ".state.json") : null; // where `serve --config` keeps it
        if (stateFile == null || !Files.exists(stateFile)) {
            return false;
        }
        try {
            JsonNode state = new ObjectMapper().readTree(stateFile.toFile());
            return state.path("scopes").has(name) || state.path("sandboxes").has(name);
        } catch (IOException e) {
            return true;
        }
    }

    /** The CA certificate file sandboxes must trust (created on first use, as {@code serve} would). */
    public Path caFile() {
        var tls = settings.tls();
        CertificateAuthority ca = tls.caCert() != null ? CertificateAuthority.load(tls.caCert(), tls.caKey())
                : CertificateAuthority.loadOrCreate(tls.caDir());
        return ca.certificatePath();
    }

    /** Variable → placeholder for each active credential rule (see {@link CredentialPlaceholders}). */
    public Map<String, String> placeholders() {
        return CredentialPlaceholders.variables(settings.credentials());
    }

    /** What to tell the user about active credential rules that name no variable. */
    public List<String> placeholderWarnings() {
        return CredentialPlaceholders.warnings(settings.credentials());
    }

    /** The jar this command runs from, or null when it runs from a class directory (tests, IDE). */
    public static Path ownJar() {
        try {
            Path location = Path.of(LauncherSetup.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(location) && location.toString().endsWith(".jar") ? location : null;
        } catch (Exception e) {
            return null;
        }
    }
}
