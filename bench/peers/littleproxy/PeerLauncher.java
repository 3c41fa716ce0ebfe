import java.net.InetSocketAddress;
import org.littleshoot.proxy.impl.DefaultHttpProxyServer;

/**
 * Starts LittleProxy with its defaults on 127.0.0.1:PORT for bench/compare.sh. The idle timeout is
 * raised to 15 minutes (its default of 70 s would close the idle-* tests' connections), the same
 * idle timeout egress-proxy gets in the bench.
 */
public final class PeerLauncher {
  public static void main(String[] args) throws InterruptedException {
    var listen = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0]));
    var server = DefaultHttpProxyServer.bootstrap()
        .withAddress(listen)
        .withIdleConnectionTimeout(900)
        .withConnectTimeout(10_000)
        .start();
    System.out.println("LittleProxy on " + server.getListenAddress());
    Thread.currentThread().join();
  }
}
