package io.egressproxy.core.policy;
public record Decision(boolean allowed, String reason, String rule) {
    public static Decision allow(String rule, String reason) { return new Decision(true, reason, rule); }
    public static Decision deny(String reason) { return new Decision(false, reason, null); }
    public static Decision deny(String rule, String reason) { return new Decision(false, reason, rule); }
}
