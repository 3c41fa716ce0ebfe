#!/usr/bin/env python3
"""Turn one client run's output into "metric value" lines for raw.tsv.

  clients.py wrk FILE [--proxy-cpu S] [--origin-cpu S] [--host0 "B T S" --host1 "B T S"]
        FILE = wrk output with the "=name value" lines of absolute.lua; --host0/1 = the
        "busy total steal" CPU ticks of the whole machine (procfs.py host) before and after
  clients.py hey FILE [--proxy-cpu S]
        FILE = hey's text report; only 200 responses count as served
  clients.py bulk FILE
        FILE = one line per download: "http_code bytes seconds proxy_cpu_s origin_cpu_s"
        (proxy_cpu_s "-" for the direct row); the median over the lines is printed

Prints nothing (exit 1) when the run produced nothing usable: compare.sh records FAIL then.
"""
import argparse
import re
import statistics
import sys


def emit(name, value, digits=1):
    print(f"{name} {value:.{digits}f}")


def parse_wrk(text, args):
    vals = {m.group(1): float(m.group(2)) for m in re.finditer(r"^=(\w+) (\d+)$", text, re.M)}
    n = vals.get("requests", 0)
    if not n:
        return False
    emit("rps", n / (vals["elapsed_us"] / 1e6), 0)
    emit("p50_us", vals["p50_us"], 0)
    emit("p99_us", vals["p99_us"], 0)
    # non-2xx answers, and socket-level errors (a proxy that closes the client connection after
    # each response shows up here as one read error per request, not as a failed request)
    emit("non_2xx_pct", 100 * vals["non_2xx"] / n, 3)
    sock = sum(vals[k] for k in ("err_connect", "err_read", "err_write", "err_timeout"))
    emit("sock_err_pct", 100 * sock / n, 3)
    if args.proxy_cpu is not None:
        emit("proxy_cpu_us_per_req", args.proxy_cpu * 1e6 / n)
    if args.origin_cpu is not None:
        emit("origin_cpu_us_per_req", args.origin_cpu * 1e6 / n)
    if args.host0 and args.host1:
        busy, total, steal = (b - a for a, b in zip(map(int, args.host0.split()), map(int, args.host1.split())))
        if total > 0:
            emit("host_busy_pct", 100 * busy / total)
            emit("host_steal_pct", 100 * steal / total)
    return True


def parse_hey(text, args):
    total = re.search(r"Total:\s+([\d.]+) secs", text)
    if not total:
        return False
    ok = answered = 0
    failed = 0
    section = None
    for line in text.splitlines():
        if line.startswith("Status code distribution"):
            section = "status"
        elif line.startswith("Error distribution"):
            section = "errors"
        m = re.match(r"\s+\[(\d+)\]\s+(\d+)?", line)
        if not m:
            continue
        if section == "status":
            answered += int(m.group(2))
            if m.group(1) == "200":
                ok += int(m.group(2))
        elif section == "errors":
            failed += int(m.group(1))  # "[count] error text"
    if answered + failed == 0:
        return False
    emit("rps", ok / float(total.group(1)), 0)
    emit("err_pct", 100 * (answered + failed - ok) / (answered + failed), 3)
    if ok:
        for pct in ("50", "99"):
            m = re.search(rf"^\s+{pct}% in ([\d.]+) secs", text, re.M)
            if m:
                emit(f"p{pct}_us", float(m.group(1)) * 1e6, 0)
        if args.proxy_cpu is not None:
            emit("proxy_cpu_us_per_req", args.proxy_cpu * 1e6 / ok)
    return True


def parse_bulk(text, _args):
    rates, proxy_cpu, origin_cpu = [], [], []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) != 5:
            continue
        code, size, secs, pcpu, ocpu = parts
        if code != "200" or int(size) < 1_000_000 or float(secs) <= 0:
            return False
        gb = int(size) / 1e9
        rates.append(int(size) / float(secs) / 1e6)
        if pcpu != "-":
            proxy_cpu.append(float(pcpu) / gb)
        origin_cpu.append(float(ocpu) / gb)
    if not rates:
        return False
    emit("MBps", statistics.median(rates), 0)
    if proxy_cpu:
        emit("proxy_cpu_s_per_GB", statistics.median(proxy_cpu), 3)
    emit("origin_cpu_s_per_GB", statistics.median(origin_cpu), 3)
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=["wrk", "hey", "bulk"])
    ap.add_argument("file")
    ap.add_argument("--proxy-cpu", type=float)
    ap.add_argument("--origin-cpu", type=float)
    ap.add_argument("--host0")
    ap.add_argument("--host1")
    args = ap.parse_args()
    try:
        with open(args.file, errors="replace") as f:
            text = f.read()
    except OSError:
        return 1
    parser = {"wrk": parse_wrk, "hey": parse_hey, "bulk": parse_bulk}[args.kind]
    return 0 if parser(text, args) else 1


if __name__ == "__main__":
    sys.exit(main())
