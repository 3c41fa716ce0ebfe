/**
 * Credentials the proxy adds on the way out: secrets (never printed), the rules that say which
 * hosts get which headers, and the redaction of secrets echoed back in responses. Pure Java: no
 * Netty channels, no I/O beyond reading a secret file at start-up.
 */
package io.egressproxy.core.inject;
