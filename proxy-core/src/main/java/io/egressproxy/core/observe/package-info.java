/**
 * What the proxy tells operators: connection ids, close reasons and the access log (one line per
 * request or tunnel). Nothing here decides anything; no secrets, header values or bodies are ever
 * logged.
 */
package io.egressproxy.core.observe;
