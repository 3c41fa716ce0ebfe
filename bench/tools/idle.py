#!/usr/bin/env python3
"""Hold COUNT idle connections open against a server and report what they cost it in memory.

Each connection makes one request first, so that the server has set up everything a used
keep-alive connection (or tunnel) keeps, then stays silent:
  direct   GET /1k straight to the origin (the server measured is the origin itself)
  http     GET http://127.0.0.1:ORIGIN/1k (absolute-form) through the proxy
  connect  CONNECT 127.0.0.1:ORIGIN through the proxy, then GET /1k inside the tunnel

Memory is VmRSS summed over the server's process tree, read SETTLE seconds after the last
connection opened and again SETTLE seconds after all were closed; for a JVM the heap in use
after a forced full GC (jcmd GC.run) is read as well. Loopback only; bounded by COUNT and by a
per-socket timeout. Prints "name value" lines.
"""
import argparse
import socket
import sys
import time

import procfs


def answer(sock, with_body=True):
    """Status code of the next response on sock, its body (Content-Length framed) consumed.
    Reads through a buffered file object; nothing follows a response here, so it over-reads nothing."""
    reader = sock.makefile("rb")
    status = reader.readline().split()
    if len(status) < 2:
        raise ConnectionError("no response")
    size = 0
    while True:
        line = reader.readline()
        if not line:
            raise ConnectionError("closed inside the response head")
        if line in (b"\r\n", b"\n"):
            break
        key, _, val = line.decode("latin-1").partition(":")
        if key.strip().lower() == "content-length":
            size = int(val)
    if with_body and size and len(reader.read(size)) != size:
        raise ConnectionError("closed inside the body")
    return status[1].decode()


def open_one(args):
    target = args.origin_port if args.mode == "direct" else args.port
    sock = socket.create_connection(("127.0.0.1", target), timeout=args.timeout)
    origin = f"127.0.0.1:{args.origin_port}"
    path = "/1k"
    try:
        if args.mode == "http":
            path = f"http://{origin}/1k"
        elif args.mode == "connect":
            sock.sendall(f"CONNECT {origin} HTTP/1.1\r\nHost: {origin}\r\n\r\n".encode())
            code = answer(sock, with_body=False)
            if code != "200":
                raise ConnectionError(f"CONNECT answered {code}")
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {origin}\r\nUser-Agent: idle-bench\r\n\r\n".encode())
        code = answer(sock)
        if code != "200":
            raise ConnectionError(f"GET answered {code}")
        return sock
    except BaseException:
        sock.close()
        raise


def still_open(sock):
    sock.setblocking(False)  # with a timeout set, Python would wait for data before the recv
    try:
        return sock.recv(1, socket.MSG_PEEK) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False


def sample(pid):
    """(rss KiB, heap KiB or None): the heap first, because the forced GC moves RSS."""
    heap = procfs.jvm_heap_kib(pid)
    return procfs.rss_kib(pid), heap


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["direct", "http", "connect"], required=True)
    ap.add_argument("--port", type=int, default=0, help="proxy port (not used in direct mode)")
    ap.add_argument("--origin-port", type=int, required=True)
    ap.add_argument("--pid", type=int, required=True, help="server whose memory is measured")
    ap.add_argument("--count", type=int, default=5000)
    ap.add_argument("--settle", type=float, default=3.0)
    ap.add_argument("--timeout", type=float, default=10.0)
    args = ap.parse_args()

    rss0, heap0 = sample(args.pid)
    held, failures, streak = [], 0, 0
    started = time.monotonic()
    while len(held) < args.count and streak < 50:
        try:
            held.append(open_one(args))
            streak = 0
        except OSError as e:
            failures += 1
            streak += 1
            if failures == 1:
                print(f"# first failure after {len(held)} connections: {e}", file=sys.stderr)
    opened = time.monotonic() - started
    time.sleep(args.settle)
    alive = sum(1 for s in held if still_open(s))
    rss1, heap1 = sample(args.pid)
    threads = procfs.thread_count(args.pid)
    for s in held:
        s.close()
    time.sleep(args.settle)
    rss2, heap2 = sample(args.pid)

    print(f"opened {len(held)}")
    print(f"failed {failures}")
    print(f"alive {alive}")
    print(f"open_seconds {opened:.1f}")
    print(f"threads {threads}")
    print(f"rss_base_MiB {rss0 / 1024:.1f}")
    print(f"rss_open_MiB {rss1 / 1024:.1f}")
    print(f"rss_closed_MiB {rss2 / 1024:.1f}")
    if alive:
        print(f"KiB_per_conn {(rss1 - rss0) / alive:.2f}")
        if heap0 is not None and heap1 is not None:
            print(f"heap_KiB_per_conn {(heap1 - heap0) / alive:.2f}")
    if heap0 is not None and heap2 is not None:
        print(f"heap_closed_MiB {heap2 / 1024:.1f}")
        print(f"heap_base_MiB {heap0 / 1024:.1f}")


if __name__ == "__main__":
    main()
