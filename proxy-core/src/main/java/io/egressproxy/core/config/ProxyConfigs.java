package io.egressproxy.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads HOCON the usual Typesafe Config way: system properties and (when enabled with
 * {@code -Dconfig.override_with_env_vars=true}) {@code CONFIG_FORCE_*} variables over the user's
 * file, over every module's reference.conf; substitutions such as {@code ${?OPENAI_API_KEY}}
 * resolved against the environment.
 */
public final class ProxyConfigs {
    private ProxyConfigs() {
    }

    /** Loads {@code file} over the defaults. */
    public static Config load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidConfigException("config file " + file + " does not exist or is not a file;"
                    + " pass an existing HOCON file with --config (the shipped default is conf/proxy.conf)");
        }
        try {
            Config parsed = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
            return ConfigFactory.load(ProxyConfigs.class.getClassLoader(), parsed);
        } catch (ConfigException e) {
            throw new InvalidConfigException(e.getMessage(), e);
        }
    }

    /** Resolves {@code config} over the defaults, for embedding and tests. */
    public static Config withDefaults(Config config) {
        try {
            return config.withFallback(ConfigFactory.defaultReference(ProxyConfigs.class.getClassLoader())).resolve();
        } catch (ConfigException e) {
            throw new InvalidConfigException(e.getMessage(), e);
        }
    }

    /** The defaults alone. */
    public static Config defaults() {
        return ConfigFactory.defaultReference(ProxyConfigs.class.getClassLoader());
    }
}
