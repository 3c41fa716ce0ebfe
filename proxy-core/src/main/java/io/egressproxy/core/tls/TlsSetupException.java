package io.egressproxy.core.tls;

/**
 * A CA, certificate or trust file cannot be used, or a certificate cannot be minted. The message
 * names the file (where there is one), what is wrong and what to do about it, and never contains
 * key material, so it can be shown to an operator as is.
 *
 * <p>Immutable; safe to pass between threads.
 */
public final class TlsSetupException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TlsSetupException(String message) {
    super(message);
  }

  public TlsSetupException(String message, Throwable cause) {
    super(message, cause);
  }
}
