package io.egressproxy.core.tls;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A TLS server and client on loopback, for handshake tests: the server answers with a given {@link
 * SslContext} and records the SNI name each client sent; the client uses whatever {@link
 * SslHandler} the test builds. Neither side exchanges application data, so no buffers outlive a
 * test. Use from the test thread; {@link #close()} closes every channel and the event loop group.
 */
final class TlsLoopback implements AutoCloseable {
  /** Recorded when a client sent no SNI. */
  static final String NO_SNI = "<none>";

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final Queue<Channel> channels = new ConcurrentLinkedQueue<>();
  private final Queue<String> serverNames = new ConcurrentLinkedQueue<>();

  /** Result of one client handshake. */
  record Handshake(boolean success, String applicationProtocol, Throwable cause) {
    /** Every message in the cause chain, for asserting on why a handshake failed. */
    String failureText() {
      StringBuilder text = new StringBuilder();
      for (Throwable t = cause; t != null; t = t.getCause()) {
        text.append(t).append(" | ");
      }
      return text.toString();
    }
  }

  /** Starts a server on 127.0.0.1:0 and returns its port. */
  int serve(SslContext serverContext) {
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    channels.add(ch);
                    ch.pipeline()
                        .addLast(
                            new SniHandler(
                                name -> {
                                  serverNames.add(name == null ? NO_SNI : name);
                                  return serverContext;
                                }),
                            new CloseOnError());
                  }
                });
    Channel server =
        bootstrap.bind(InetAddress.getLoopbackAddress(), 0).syncUninterruptibly().channel();
    channels.add(server);
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** Connects to the server and waits for the client's handshake to finish either way. */
  Handshake handshake(int port, Function<ByteBufAllocator, SslHandler> clientHandler)
      throws Exception {
    CompletableFuture<Handshake> result = new CompletableFuture<>();
    Bootstrap bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    SslHandler ssl = clientHandler.apply(ch.alloc());
                    // Read the negotiated protocol on the event loop, before anything closes.
                    ssl.handshakeFuture()
                        .addListener(
                            f ->
                                result.complete(
                                    new Handshake(
                                        f.isSuccess(),
                                        f.isSuccess() ? ssl.applicationProtocol() : null,
                                        f.cause())));
                    ch.pipeline().addLast(ssl, new CloseOnError());
                  }
                });
    Channel client =
        bootstrap.connect(InetAddress.getLoopbackAddress(), port).syncUninterruptibly().channel();
    channels.add(client);
    return result.get(10, TimeUnit.SECONDS);
  }

  /** SNI names the server saw, in order; {@link #NO_SNI} for a client that sent none. */
  List<String> serverNames() {
    return List.copyOf(serverNames);
  }

  @Override
  public void close() {
    for (Channel channel : channels) {
      channel.close().syncUninterruptibly();
    }
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Handshake failures are the subject of the tests: close quietly instead of logging them. */
  private static final class CloseOnError extends ChannelInboundHandlerAdapter {
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
