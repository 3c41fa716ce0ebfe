#!/usr/bin/env python3
"""Small /proc and socket helpers for compare.sh (and a library for idle.py).

  procfs.py cpu PID          CPU seconds (utime+stime) of PID and every descendant
  procfs.py rss PID          VmRSS in KiB, summed over the same process tree
  procfs.py threads PID      thread count over the tree
  procfs.py heap PID         if the tree holds a JVM: jcmd GC.run, then heap used in KiB; else "-"
  procfs.py host             whole-machine CPU ticks: "busy total steal" (from /proc/stat)
  procfs.py free-port        an unused TCP port on 127.0.0.1 (below the ephemeral range)
  procfs.py wait-port PORT SECONDS [PID]   exit 0 once 127.0.0.1:PORT accepts (1 if PID dies first)
  procfs.py spare-443        a loopback address 127.0.0.2-9 whose port 443 can be bound
"""
import os
import random
import re
import socket
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid):
    with open(f"/proc/{pid}/stat") as f:
        raw = f.read()
    # the command name may hold spaces and parentheses: split after the last ')'
    return raw[raw.rindex(")") + 2:].split()


def descendants(root):
    """root and all processes below it (one /proc scan)."""
    children = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            parent = int(_stat_fields(name)[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(name))
    found, queue = [], [int(root)]
    while queue:
        pid = queue.pop()
        found.append(pid)
        queue.extend(children.get(pid, ()))
    return found


def cpu_seconds(root):
    total = 0
    for pid in descendants(root):
        try:
            fields = _stat_fields(pid)
        except OSError:
            continue
        # fields[11], fields[12] = utime, stime (stat fields 14 and 15)
        total += int(fields[11]) + int(fields[12])
    return total / TICK


def _status_sum(root, key):
    total = 0
    for pid in descendants(root):
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith(key):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total


def rss_kib(root):
    return _status_sum(root, "VmRSS:")


def thread_count(root):
    return _status_sum(root, "Threads:")


def jvm_in_tree(root):
    for pid in descendants(root):
        try:
            if os.path.basename(os.readlink(f"/proc/{pid}/exe")) == "java":
                return pid
        except OSError:
            pass
    return None


def jvm_heap_kib(root):
    """Full GC, then the heap in use (KiB), for the first JVM in the tree; None if there is none."""
    jvm = jvm_in_tree(root)
    if jvm is None:
        return None
    try:
        subprocess.run(["jcmd", str(jvm), "GC.run"], capture_output=True, timeout=60)
        out = subprocess.run(["jcmd", str(jvm), "GC.heap_info"], capture_output=True, text=True,
                             timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    # G1: " garbage-first heap   total 262144K, used 10240K [...]"
    m = re.search(r"heap\s+total\s+\d+K,\s+used\s+(\d+)K", out)
    return int(m.group(1)) if m else None


def host_ticks():
    with open("/proc/stat") as f:
        cols = [int(x) for x in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal ...
    total = sum(cols[:8])
    return total - cols[3] - cols[4], total, cols[7]


def free_port():
    for _ in range(1000):
        port = random.randint(20000, 32000)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit("no free port")


def wait_port(port, seconds, pid=None):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if pid is not None and not os.path.exists(f"/proc/{pid}"):
            return False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def spare_443():
    for last in range(2, 10):
        addr = f"127.0.0.{last}"
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind((addr, 443))
            except OSError:
                continue
            return addr
    return ""


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "cpu":
        print(f"{cpu_seconds(argv[2]):.2f}")
    elif cmd == "rss":
        print(rss_kib(argv[2]))
    elif cmd == "threads":
        print(thread_count(argv[2]))
    elif cmd == "heap":
        heap = jvm_heap_kib(argv[2])
        print("-" if heap is None else heap)
    elif cmd == "host":
        print(*host_ticks())
    elif cmd == "free-port":
        print(free_port())
    elif cmd == "wait-port":
        ok = wait_port(int(argv[2]), float(argv[3]), int(argv[4]) if len(argv) > 4 else None)
        return 0 if ok else 1
    elif cmd == "spare-443":
        print(spare_443())
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
