package io.egressproxy.core.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real DNS server on 127.0.0.1 (UDP, random port) answering from a map the test controls:
 * A/AAAA records for known names, NXDOMAIN for the rest. Lets tests give names any address
 * (private, metadata, several records) without touching the machine's resolver, and keeps every
 * query on loopback. Thread-safe.
 */
public final class TestDnsServer implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Map<String, List<InetAddress>> records = new ConcurrentHashMap<>();
    private final AtomicInteger queries = new AtomicInteger();
    private final List<String> queried = new CopyOnWriteArrayList<>();
    private final Channel channel;

    public TestDnsServer() {
        channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel ch) {
                        ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(), new Answerer());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).syncUninterruptibly().channel();
    }

    /** Makes {@code name} resolve to {@code addresses} (replacing earlier records). */
    public TestDnsServer add(String name, String... addresses) {
        List<InetAddress> list = new CopyOnWriteArrayList<>();
        for (String a : addresses) {
            try {
                list.add(InetAddress.getByName(a)); // literals only: no lookup happens
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException(a, e);
            }
        }
        records.put(name.toLowerCase(Locale.ROOT), list);
        return this;
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** {@code 127.0.0.1:PORT}, for {@code egress-proxy.dns.servers}. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    public int queryCount() {
        return queries.get();
    }

    public List<String> queriedNames() {
        return List.copyOf(queried);
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Answerer extends SimpleChannelInboundHandler<DatagramDnsQuery> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
            queries.incrementAndGet();
            DnsQuestion question = query.recordAt(DnsSection.QUESTION);
            String name = question.name().toLowerCase(Locale.ROOT);
            if (name.endsWith(".")) {
                name = name.substring(0, name.length() - 1);
            }
            queried.add(name);
            DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
            response.setRecursionAvailable(true);
            response.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(question.name(), question.type()));
            List<InetAddress> addresses = records.get(name);
            if (addresses == null) {
                response.setCode(DnsResponseCode.NXDOMAIN);
            } else {
                for (InetAddress address : addresses) {
                    boolean v4 = address.getAddress().length == 4;
                    if ((v4 && question.type() == DnsRecordType.A) || (!v4 && question.type() == DnsRecordType.AAAA)) {
                        response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), question.type(), 1,
                                Unpooled.wrappedBuffer(address.getAddress())));
                    }
                }
            }
            ctx.writeAndFlush(response);
        }
    }
}
