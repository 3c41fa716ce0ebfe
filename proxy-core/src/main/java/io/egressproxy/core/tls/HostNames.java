package io.egressproxy.core.tls;

import io.netty.util.NetUtil;

/**
 * Tells IP literals from DNS names, because certificates (iPAddress vs dNSName SAN) and SNI (never
 * sent for an address) treat them differently. Stateless.
 */
final class HostNames {
  private HostNames() {}

  /** True for {@code 127.0.0.1}, {@code ::1} and {@code [::1]}. */
  static boolean isIpLiteral(String host) {
    String bare = withoutBrackets(host);
    return NetUtil.isValidIpV4Address(bare) || NetUtil.isValidIpV6Address(bare);
  }

  /** {@code [::1]} becomes {@code ::1}; anything else is returned unchanged. */
  static String withoutBrackets(String host) {
    if (host.length() > 2 && host.charAt(0) == '[' && host.charAt(host.length() - 1) == ']') {
      return host.substring(1, host.length() - 1);
    }
    return host;
  }
}
