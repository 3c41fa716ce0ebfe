package io.egressproxy.core.tunnel;

import java.io.InputStream;

/** Shares {@link ConnectTunnelTest#readHead} with tests in other packages. */
public final class ConnectTunnelTestAccess {
    private ConnectTunnelTestAccess() {
    }

    public static String readHead(InputStream in) throws Exception {
        return ConnectTunnelTest.readHead(in);
    }
}
