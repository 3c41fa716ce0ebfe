package io.egressproxy.core.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the CA in its directory, or creates it there. The key is published first with a no-clobber
 * hard link, then the certificate with an atomic rename: whoever links the key owns the CA, and a
 * process that loses the race waits briefly for the winner's certificate and loads it. Both files
 * are written completely (and fsynced) under temporary names before they get their real names, and
 * the key file is created owner-only from the first byte.
 *
 * <p>Stateless; all of it is blocking file I/O, for startup only.
 */
final class CaDirectory {
  private static final Logger log = LoggerFactory.getLogger(CaDirectory.class);

  static final String CERT_FILE = "ca.pem";
  static final String KEY_FILE = "ca-key.pem";

  /** Ample for a peer that has linked its key to rename its certificate. */
  static final Duration DEFAULT_WAIT_FOR_PEER = Duration.ofSeconds(10);

  private static final long POLL_MILLIS = 20;

  private static final Set<PosixFilePermission> DIR_PERMS =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> KEY_PERMS =
      PosixFilePermissions.fromString("rw-------");

  /** The certificate is public; the 0700 directory already keeps other users out. */
  private static final Set<PosixFilePermission> CERT_PERMS =
      PosixFilePermissions.fromString("rw-r--r--");

  private CaDirectory() {}

  static CertificateAuthority loadOrCreate(Path dir, Duration waitForPeer) {
    Path cert = dir.resolve(CERT_FILE);
    Path key = dir.resolve(KEY_FILE);
    // The key is published before the certificate, so checking in this order never sees a
    // certificate without its key while another process is creating the CA.
    boolean certExists = Files.exists(cert);
    boolean keyExists = Files.exists(key);
    if (certExists && keyExists) {
      return CertificateAuthority.load(cert, key);
    }
    if (certExists) {
      throw new TlsSetupException(
          String.format(
              "CA directory %s has %s but no %s; put the matching key at %s, or move %s away"
                  + " to let egress-proxy create a new CA",
              dir, CERT_FILE, KEY_FILE, key, cert));
    }
    if (!keyExists) {
      createDirectory(dir);
      CertificateAuthority created = tryCreate(dir, cert, key);
      if (created != null) {
        return created;
      }
    }
    awaitCertificate(dir, cert, key, waitForPeer);
    return CertificateAuthority.load(cert, key);
  }

  /** The new CA, or null if another process published its key first. */
  private static CertificateAuthority tryCreate(Path dir, Path cert, Path key) {
    CertificateAuthority ca = CertificateAuthority.create(cert);
    Path keyTemp = null;
    Path certTemp = null;
    try {
      keyTemp = writeTemp(dir, Pem.toPem(ca.privateKey()), KEY_PERMS);
      certTemp = writeTemp(dir, ca.certificatePem(), CERT_PERMS);
      if (!publishWithoutReplacing(keyTemp, key)) {
        log.debug("another process created the CA in {} first; loading it", dir);
        return null;
      }
      Files.move(certTemp, cert, StandardCopyOption.ATOMIC_MOVE);
      log.info(
          "created CA '{}' in {} (sha256 {})",
          ca.certificate().getSubjectX500Principal().getName(),
          dir,
          ca.sha256Fingerprint());
      return ca;
    } catch (IOException e) {
      throw new TlsSetupException(
          String.format(
              "could not write the CA files in %s (%s); check that it is writable", dir, e),
          e);
    } finally {
      deleteQuietly(keyTemp);
      deleteQuietly(certTemp);
    }
  }

  /**
   * Gives {@code temp}'s content the name {@code target} unless {@code target} exists. A hard link
   * is atomic and never replaces; on file systems without links, a plain move without
   * REPLACE_EXISTING is the closest substitute.
   */
  private static boolean publishWithoutReplacing(Path temp, Path target) throws IOException {
    try {
      Files.createLink(target, temp);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (UnsupportedOperationException | IOException linkFailed) {
      try {
        Files.move(temp, target);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    }
  }

  private static void awaitCertificate(Path dir, Path cert, Path key, Duration waitForPeer) {
    long deadline = System.nanoTime() + waitForPeer.toNanos();
    while (!Files.exists(cert)) {
      if (System.nanoTime() - deadline > 0) {
        throw new TlsSetupException(
            String.format(
                "CA directory %s has %s but no %s (an earlier start was interrupted?); delete %s"
                    + " to let egress-proxy create a new CA, or put its certificate at %s",
                dir, KEY_FILE, CERT_FILE, key, cert));
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TlsSetupException("interrupted while waiting for the CA in " + dir, e);
      }
    }
  }

  private static void createDirectory(Path dir) {
    try {
      if (isPosix(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_PERMS));
        Set<PosixFilePermission> actual = Files.getPosixFilePermissions(dir);
        if (!actual.equals(DIR_PERMS)) {
          log.warn(
              "CA directory {} is accessible by other users ({}); restrict it with 'chmod 700 {}'",
              dir,
              PosixFilePermissions.toString(actual),
              dir);
        }
      } else {
        Files.createDirectories(dir);
      }
    } catch (IOException e) {
      throw new TlsSetupException(
          String.format(
              "could not create the CA directory %s (%s); check the path and its permissions",
              dir, e),
          e);
    }
  }

  /** Creates the file with its final permissions, so the key is never readable by others. */
  private static Path writeTemp(Path dir, String content, Set<PosixFilePermission> perms)
      throws IOException {
    FileAttribute<?>[] attrs =
        isPosix(dir)
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(perms)}
            : new FileAttribute<?>[0];
    Path temp = Files.createTempFile(dir, ".ca-", ".tmp", attrs);
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.US_ASCII));
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      // On disk before it gets its real name: a crash never leaves a truncated CA behind.
      channel.force(true);
      return temp;
    } catch (IOException | RuntimeException e) {
      deleteQuietly(temp);
      throw e;
    }
  }

  private static boolean isPosix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static void deleteQuietly(Path path) {
    if (path == null) {
      return;
    }
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      log.debug("could not delete temporary file {}", path, e);
    }
  }
}
