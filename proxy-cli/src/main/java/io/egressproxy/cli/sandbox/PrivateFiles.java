package io.egressproxy.cli.sandbox;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files only their owner may read, for the launcher's state directory: a sandbox's record holds its
 * {@code -e} values, which may be keys, and the proxy's log says where sandboxes went. Directories
 * created here are 0700 and files 0600, where the file system has POSIX permissions (elsewhere the
 * defaults stay). A directory that exists keeps its permissions: {@code --state-dir} may name one
 * that is not the launcher's alone. Stateless.
 */
final class PrivateFiles {
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    /** Creates {@code dir} and any missing parents, owner-only. */
    static Path createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir) || !posix(dir)) {
            return Files.createDirectories(dir);
        }
        return Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
    }

    /**
     * Makes {@code file} owner-only before anything is written to it: creates it empty with those
     * permissions, or takes them away from an existing one (written by an older launcher).
     */
    static Path restrict(Path file) throws IOException {
        if (!posix(file)) {
            return file;
        }
        try {
            return Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_FILE));
        } catch (FileAlreadyExistsException e) {
            Files.setPosixFilePermissions(file, OWNER_FILE);
            return file;
        }
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
