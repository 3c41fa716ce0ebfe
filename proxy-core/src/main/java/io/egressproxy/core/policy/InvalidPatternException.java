package io.egressproxy.core.policy;
public class InvalidPatternException extends IllegalArgumentException {
    public InvalidPatternException(String m) { super(m); }
}
