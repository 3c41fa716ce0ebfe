package io.egressproxy.core.policy;
public class InvalidHostException extends Exception {
    public InvalidHostException(String m) { super(m); }
}
