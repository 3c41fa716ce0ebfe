/**
 * Settings records built once from Typesafe Config. {@link io.egressproxy.core.config.ProxySettings#from}
 * reads every key eagerly and fails at start-up with the key path in the message. No Netty here, and
 * no {@code Config} object travels past this package.
 */
package io.egressproxy.core.config;
