package io.egressproxy.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Reads the version Maven wrote into {@code egress-proxy-version.properties} at build time. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/egress-proxy-version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        }
        return new String[] {"egress-proxy " + properties.getProperty("version", "unknown")
                + " (Java " + System.getProperty("java.version") + ")"};
    }
}
