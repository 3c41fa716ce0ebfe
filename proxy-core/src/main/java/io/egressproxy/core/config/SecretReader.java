package io.egressproxy.core.config;

import io.egressproxy.core.inject.Secret;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a secret that may be given three ways: a value (a literal, or a {@code ${?VAR}}
 * substitution), the name of an environment variable, or a file. Returns null when none is set
 * (a rule whose secret is unset is skipped by its caller, with a warning). Messages name the key
 * and the variable or file, never the value.
 */
final class SecretReader {
    private SecretReader() {
    }

    /** Why a secret is missing, for the caller's one warning. */
    record Result(Secret secret, String missingReason) {
    }

    static Result read(ConfigReader r, String valueKey, String envKey, String fileKey) {
        if (r.has(valueKey)) {
            return parsed(r, valueKey, r.string(valueKey));
        }
        if (envKey != null && r.has(envKey)) {
            String variable = r.string(envKey);
            String value = System.getenv(variable);
            if (value == null || value.isBlank()) {
                return new Result(null, "environment variable " + variable + " is not set");
            }
            return parsed(r, envKey, value);
        }
        if (fileKey != null && r.has(fileKey)) {
            Path file = Path.of(r.string(fileKey));
            try {
                return parsed(r, fileKey, Files.readString(file, StandardCharsets.UTF_8));
            } catch (IOException e) {
                return new Result(null, "secret file " + file + " cannot be read (" + e.getClass().getSimpleName() + ")");
            }
        }
        return new Result(null, "no " + valueKey + (envKey == null ? "" : ", " + envKey) + (fileKey == null ? "" : " or " + fileKey) + " is set");
    }

    private static Result parsed(ConfigReader r, String key, String raw) {
        try {
            return new Result(Secret.of(raw), null);
        } catch (IllegalArgumentException e) {
            throw r.invalid(key, e.getMessage());
        }
    }
}
