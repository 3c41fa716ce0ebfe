package io.egressproxy.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * Reads typed values from a {@link Config} and turns every failure into an
 * {@link InvalidConfigException} that names the origin (file and line), the key and what was
 * expected. Used only inside this package.
 */
final class ConfigReader {
    private final Config config;
    private final String prefix;
    private final String display;

    /** Reads the keys under {@code prefix} (e.g. "egress-proxy") of the root {@code config}. */
    ConfigReader(Config config, String prefix) {
        this(config, prefix, prefix);
    }

    private ConfigReader(Config config, String prefix, String display) {
        this.config = config;
        this.prefix = prefix;
        this.display = display;
    }

    private String full(String path) {
        return prefix + "." + path;
    }

    /** A reader for the object at {@code path}. */
    ConfigReader sub(String path) {
        return new ConfigReader(config, full(path), display + "." + path);
    }

    /** Readers for each object of the list at {@code path}, named {@code path[i]} in messages. */
    List<ConfigReader> objects(String path) {
        List<? extends Config> items = read(path, config::getConfigList);
        List<ConfigReader> readers = new java.util.ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            readers.add(new ConfigReader(items.get(i).atKey("item"), "item", display + "." + path + "[" + i + "]"));
        }
        return readers;
    }

    /** The keys of the object this reader reads (for a list item: its own keys). */
    java.util.Set<String> ownKeys() {
        return read0(prefix, config::getObject).keySet();
    }

    private <T> T read0(String full, Function<String, T> getter) {
        try {
            return getter.apply(full);
        } catch (ConfigException e) {
            throw new InvalidConfigException(e.getMessage(), e);
        }
    }

    /** Refuses keys of this object other than {@code allowed} (a typo would otherwise be ignored). */
    void onlyKeys(java.util.Set<String> allowed) {
        for (String key : ownKeys()) {
            if (!allowed.contains(key)) {
                throw invalid(key, "unknown key; expected one of " + new java.util.TreeSet<>(allowed));
            }
        }
    }

    /** The keys of the object at {@code path}. */
    java.util.Set<String> keys(String path) {
        return read(path, config::getObject).keySet();
    }

    boolean has(String path) {
        return config.hasPath(full(path));
    }

    /** {@code egress-proxy.x.y} as shown in messages. */
    String name(String path) {
        return display + "." + path;
    }

    String string(String path) {
        return read(path, config::getString);
    }

    boolean bool(String path) {
        return read(path, config::getBoolean);
    }

    int intValue(String path, int min, int max) {
        int value = read(path, config::getInt);
        if (value < min || value > max) {
            throw invalid(path, "expected a number from " + min + " to " + max + ", got " + value);
        }
        return value;
    }

    int bytes(String path, long min, long max) {
        long value = read(path, p -> config.getBytes(p));
        if (value < min || value > max) {
            throw invalid(path, "expected a size from " + min + " to " + max + " bytes (e.g. 64KiB), got " + value);
        }
        return (int) value;
    }

    Duration duration(String path) {
        Duration value = read(path, config::getDuration);
        if (value.isNegative()) {
            throw invalid(path, "expected a duration of 0 or more (e.g. 10s), got " + value);
        }
        return value;
    }

    List<String> strings(String path) {
        return read(path, config::getStringList);
    }

    List<Integer> ints(String path) {
        return read(path, config::getIntList);
    }

    Config object(String path) {
        return read(path, config::getConfig);
    }

    HostAndPort hostAndPort(String path) {
        String text = string(path);
        try {
            return HostAndPort.parse(text);
        } catch (IllegalArgumentException e) {
            throw invalid(path, e.getMessage());
        }
    }

    /** An error for {@code path} whose message starts with where the value was written. */
    InvalidConfigException invalid(String path, String expectation) {
        return new InvalidConfigException(origin(path) + name(path) + ": " + expectation);
    }

    /** {@code "file: line N: "} where the value at {@code path} was written, or "". */
    String origin(String path) {
        String key = path.contains("[") ? path.substring(0, path.indexOf('[')) : path;
        if (config.hasPath(full(key))) {
            ConfigValue value = config.getValue(full(key));
            return value.origin().description() + ": ";
        }
        return "";
    }

    private <T> T read(String path, Function<String, T> getter) {
        try {
            return getter.apply(full(path));
        } catch (ConfigException.Missing e) {
            throw new InvalidConfigException(name(path) + ": missing; it has a default in reference.conf, so the"
                    + " configuration was built without it (use ProxyConfigs.load or withFallback(defaultReference()))", e);
        } catch (ConfigException e) {
            throw new InvalidConfigException(e.getMessage(), e);
        }
    }
}
