package io.egressproxy.core.admin;

import io.egressproxy.core.config.InvalidConfigException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The admin API's bearer token: read from its file, or generated (256 random bits) into a new
 * owner-only file on first start. Compared in constant time. Immutable.
 */
public final class AdminToken {
    /** Whether the default file system has POSIX permissions (owner-only files); elsewhere the directory's rights apply. */
    static final boolean POSIX = java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final byte[] value;

    private AdminToken(String value) {
        this.value = value.getBytes(StandardCharsets.US_ASCII);
    }

    public static AdminToken loadOrCreate(Path file) {
        try {
            warnIfShared(file);
            if (!Files.exists(file)) {
                Path dir = file.toAbsolutePath().getParent();
                Files.createDirectories(dir);
                byte[] random = new byte[32];
                new SecureRandom().nextBytes(random);
                String token = HexFormat.of().formatHex(random);
                try {
                    if (POSIX) {
                        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    } else {
                        Files.createFile(file);
                    }
                } catch (FileAlreadyExistsException e) {
                    return read(file);
                }
                Files.writeString(file, token + "\n", StandardCharsets.US_ASCII);
                return new AdminToken(token);
            }
            return read(file);
        } catch (IOException e) {
            throw new InvalidConfigException("egress-proxy.admin.token-file: cannot read or create " + file + ": " + e);
        }
    }

    private static void warnIfShared(Path file) throws IOException {
        if (!POSIX || !Files.exists(file)) {
            return;
        }
        var perms = Files.getPosixFilePermissions(file);
        if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
            org.slf4j.LoggerFactory.getLogger(AdminToken.class).warn(
                    "admin token file {} is readable by others ({}); anyone who reads it controls the proxy: chmod 600 it",
                    file, PosixFilePermissions.toString(perms));
        }
    }

    /** Reads an existing token file (for CLI clients). */
    public static AdminToken read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (text.isEmpty()) {
            throw new IOException("admin token file " + file + " is empty");
        }
        return new AdminToken(text);
    }

    /** Whether {@code Authorization: Bearer ...} carries this token. */
    public boolean matchesHeader(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(value, authorization.substring(7).strip().getBytes(StandardCharsets.US_ASCII));
    }

    /** The header value a client sends. */
    public String header() {
        return "Bearer " + new String(value, StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return "AdminToken[redacted]";
    }
}
