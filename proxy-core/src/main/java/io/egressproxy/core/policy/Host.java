package io.egressproxy.core.policy;
import java.net.InetAddress;
public record Host(String name, InetAddress literal) {
    public boolean isLiteral() { return literal != null; }
    public String uriForm() { return name.indexOf(':') >= 0 ? "[" + name + "]" : name; }
}
