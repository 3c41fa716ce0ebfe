package io.egressproxy.cli.sandbox;

/** An IPv4 subnet for one sandbox network and its gateway (the host's address on it, where the proxy listens). */
public record Subnet(String cidr, String gateway) {
}
