package io.egressproxy.bridge.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads bridge HOCON the usual Typesafe Config way: system properties over the user's file over
 * every module's reference.conf, with {@code ${?VAR}} substitutions resolved against the
 * environment. Stateless.
 */
public final class BridgeConfigs {
    private BridgeConfigs() {
    }

    /** Loads {@code file} over the defaults. */
    public static Config load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BridgeConfigException("config file " + file + " does not exist or is not a file;"
                    + " pass an existing HOCON file (an example is conf/bridge.conf)");
        }
        try {
            Config parsed = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
            return ConfigFactory.load(BridgeConfigs.class.getClassLoader(), parsed);
        } catch (ConfigException e) {
            throw new BridgeConfigException(e.getMessage(), e);
        }
    }

    /** Resolves {@code config} over the defaults, for embedding and tests. */
    public static Config withDefaults(Config config) {
        try {
            return config.withFallback(defaults()).resolve();
        } catch (ConfigException e) {
            throw new BridgeConfigException(e.getMessage(), e);
        }
    }

    /** The defaults alone (reference.conf, environment overrides applied). */
    public static Config defaults() {
        return ConfigFactory.defaultReference(BridgeConfigs.class.getClassLoader());
    }
}
