package io.egressproxy.core.policy;
import java.net.InetAddress;
public final class HostNames {
    public static Host parse(String raw) throws InvalidHostException {
        String h = raw.toLowerCase();
        if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
        if (h.startsWith("[")) h = h.substring(1, h.length() - 1);
        if (h.isEmpty() || !h.matches("[a-z0-9._:-]+")) throw new InvalidHostException("bad host");
        if (h.matches("[0-9.]+") || h.contains(":")) {
            try { InetAddress a = InetAddress.getByName(h); return new Host(a.getHostAddress(), a); } catch (Exception e) { throw new InvalidHostException("bad"); }
        }
        return new Host(h, null);
    }
}
