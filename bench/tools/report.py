#!/usr/bin/env python3
"""Summary of a compare.sh run: report.py RESULTS_DIR (reads raw.tsv and meta.txt).

A cell is "median [min..max]" over the rounds, then "(N.NNx)": the median over rounds of
proxy / direct measured in the same round. The last column compares egress-proxy with the best
peer measured (best = best median; the ratio is again a median of per-round ratios), and for the
TLS tests egress-intercept with squid-bump. After the table: the targets of issue 8, met or not.
"""
import os
import statistics
import sys
from collections import defaultdict

TEST_ORDER = ["tcp", "http", "lat1", "bulk-fwd", "bulk-connect", "idle-http", "idle-connect",
              "tls-ka", "tls-new"]
PROXY_ORDER = ["direct", "egress", "squid", "tinyproxy", "littleproxy", "egress-intercept",
               "squid-bump"]
BLIND_PEERS = ["squid", "tinyproxy", "littleproxy"]

# (metric, +1 higher is better / -1 lower is better / 0 neither, label); metrics not listed stay
# in raw.tsv only
SHOWN = {
    "tcp": [("MBps", 1, "loopback TCP, 1 stream, MB/s")],
    "http": [("rps", 1, "req/s"), ("proxy_cpu_us_per_req", -1, "proxy CPU µs/req"),
             ("p50_us", -1, "p50 µs"), ("p99_us", -1, "p99 µs"),
             ("non_2xx_pct", -1, "non-2xx %"), ("sock_err_pct", -1, "socket errors %"),
             ("host_busy_pct", 0, "host busy %"), ("host_steal_pct", 0, "host steal %")],
    "lat1": [("p50_us", -1, "p50 µs"), ("p99_us", -1, "p99 µs")],
    "bulk-fwd": [("MBps", 1, "MB/s"), ("proxy_cpu_s_per_GB", -1, "proxy CPU s/GB")],
    "bulk-connect": [("MBps", 1, "MB/s"), ("proxy_cpu_s_per_GB", -1, "proxy CPU s/GB")],
    "idle-http": [("KiB_per_conn", -1, "RSS KiB/conn"), ("heap_KiB_per_conn", -1, "heap KiB/conn"),
                  ("alive", 0, "still open"), ("threads", 0, "threads"),
                  ("rss_base_MiB", 0, "RSS before, MiB"), ("rss_open_MiB", 0, "RSS all open, MiB"),
                  ("rss_closed_MiB", 0, "RSS after close, MiB")],
    "tls-ka": [("rps", 1, "req/s"), ("proxy_cpu_us_per_req", -1, "proxy CPU µs/req"),
               ("p50_us", -1, "p50 µs"), ("p99_us", -1, "p99 µs"), ("err_pct", -1, "errors %")],
}
SHOWN["idle-connect"] = SHOWN["idle-http"]
SHOWN["tls-new"] = SHOWN["tls-ka"]
# ratios to direct make no sense for these (direct's idle row is the origin's own cost)
NO_DIRECT_RATIO = {"idle-http", "idle-connect"}


def load(path):
    data = defaultdict(dict)  # (proxy, test, metric) -> {round: value}
    fails = defaultdict(list)
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 5:
                continue
            rnd, proxy, test, metric, value = parts
            if metric == "FAIL":
                fails[(proxy, test)].append(rnd)
                continue
            try:
                data[(proxy, test, metric)][rnd] = float(value)
            except ValueError:
                pass
    return data, fails


def fmt(v):
    if v is None:
        return "-"
    a = abs(v)
    if a >= 100:
        return f"{v:,.0f}"
    if a >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


class Run:
    def __init__(self, data):
        self.data = data

    def values(self, proxy, test, metric):
        return self.data.get((proxy, test, metric), {})

    def median(self, proxy, test, metric):
        v = self.values(proxy, test, metric)
        return statistics.median(v.values()) if v else None

    def ratio(self, a, b, test, metric):
        """median over rounds of a/b, both from the same round"""
        va, vb = self.values(a, test, metric), self.values(b, test, metric)
        rs = [va[r] / vb[r] for r in va if r in vb and vb[r]]
        return statistics.median(rs) if rs else None

    def diff(self, a, b, test, metric):
        va, vb = self.values(a, test, metric), self.values(b, test, metric)
        ds = [va[r] - vb[r] for r in va if r in vb]
        return statistics.median(ds) if ds else None

    def best(self, candidates, test, metric, sense):
        scored = [(self.median(p, test, metric), p) for p in candidates]
        scored = [(m, p) for m, p in scored if m is not None]
        if not scored or sense == 0:
            return None
        return (max if sense > 0 else min)(scored)[1]


def cell(run, proxy, test, metric, with_ratio):
    v = run.values(proxy, test, metric)
    if not v:
        return ""
    text = fmt(statistics.median(v.values()))
    if len(v) > 1:
        text += f" [{fmt(min(v.values()))}..{fmt(max(v.values()))}]"
    if with_ratio and proxy != "direct":
        r = run.ratio(proxy, "direct", test, metric)
        if r is not None:
            text += f" ({r:.2f}x)"
    return text


def versus(run, test, metric, sense):
    parts = []
    for ours, peers in (("egress", BLIND_PEERS), ("egress-intercept", ["squid-bump"])):
        if not run.values(ours, test, metric) or sense == 0 or metric.endswith("_pct"):
            continue
        peer = run.best(peers, test, metric, sense)
        r = run.ratio(ours, peer, test, metric) if peer else None
        if r is not None:
            parts.append(f"{'int. ' if ours != 'egress' else ''}{r:.2f}x {peer}")
    return "; ".join(parts)


def table(run, proxies, tests):
    head = ["test · metric"] + proxies + ["ours / best peer"]
    rows = []
    for test in tests:
        for metric, sense, label in SHOWN.get(test, []):
            if not any(run.values(p, test, metric) for p in proxies):
                continue
            arrow = {1: " ↑", -1: " ↓", 0: ""}[sense]
            ratio_ok = test not in NO_DIRECT_RATIO and not metric.endswith("_pct") and \
                bool(run.values("direct", test, metric))
            rows.append([f"{test} · {label}{arrow}"] +
                        [cell(run, p, test, metric, ratio_ok) for p in proxies] +
                        [versus(run, test, metric, sense)])
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(head, widths)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |")
    return "\n".join(lines)


def verdict(ok, got, need):
    if got is None:
        return "not measured"
    return ("met" if ok else "MISSED") + f": {got} (target {need})"


def targets(run, idle_conns):
    out = []

    def at_least(name, value, floor, unit="x"):
        if value is None:
            out.append(f"- {name}: not measured")
            return
        got = f"{value:.2f}{unit}"
        miss = "" if value >= floor else f", {100 * (1 - value / floor):.0f}% short"
        out.append(f"- {name}: {verdict(value >= floor, got, f'>= {floor:g}{unit}')}{miss}")

    def at_most(name, value, ceiling, unit):
        if value is None:
            out.append(f"- {name}: not measured")
            return
        got = f"{value:.2f} {unit}"
        miss = "" if value <= ceiling else f", {value - ceiling:.2f} {unit} over"
        out.append(f"- {name}: {verdict(value <= ceiling, got, f'<= {ceiling:g} {unit}')}{miss}")

    at_least("plain forward req/s vs squid", run.ratio("egress", "squid", "http", "rps"), 2)
    at_most("plain forward proxy CPU per request", run.median("egress", "http", "proxy_cpu_us_per_req"), 50, "µs")
    at_most("one-connection p50 added over direct", run.diff("egress", "direct", "lat1", "p50_us"), 100, "µs")
    if run.values("littleproxy", "bulk-fwd", "MBps"):
        at_least("bulk forward MB/s vs LittleProxy", run.ratio("egress", "littleproxy", "bulk-fwd", "MBps"), 2)
    else:
        out.append("- bulk forward MB/s vs LittleProxy: not measured (LittleProxy did not run: see bench/README.md)")
    at_least("bulk CONNECT MB/s vs squid", run.ratio("egress", "squid", "bulk-connect", "MBps"), 1)
    at_most("bulk CONNECT proxy CPU", run.median("egress", "bulk-connect", "proxy_cpu_s_per_GB"), 0.5, "s/GB")
    note = "" if idle_conns == "5000" else f" (at {idle_conns} connections; the target is at 5000)"
    for test in ("idle-http", "idle-connect"):
        at_most(f"{test} memory per connection{note}", run.median("egress", test, "KiB_per_conn"), 4, "KiB")
        base = run.median("egress", test, "rss_base_MiB")
        peak = run.median("egress", test, "rss_open_MiB")
        closed = run.median("egress", test, "rss_closed_MiB")
        if None in (base, peak, closed):
            out.append(f"- {test} back to baseline after close: not measured")
        else:
            # "back to baseline": what is still held after close is at most 10% of the growth at
            # peak, or under 2 MiB (RSS of a JVM moves by about that much with a forced GC alone)
            left, grown = closed - base, peak - base
            share = f", {100 * left / grown:.0f}% of the growth still held" if grown > 2 else ""
            heap = ""
            hb, hc = run.median("egress", test, "heap_base_MiB"), run.median("egress", test, "heap_closed_MiB")
            if hb is not None and hc is not None:
                heap = f"; heap {hb:.1f} -> {hc:.1f} MiB"
            ok = left <= max(0.1 * grown, 2)
            out.append(f"- {test} back to baseline after close: {'met' if ok else 'MISSED'}: RSS {base:.1f} -> "
                       f"{peak:.1f} -> {closed:.1f} MiB (before / all open / after close){share}; "
                       f"target: at most 10% of the growth or 2 MiB left{heap}")
    at_least("HTTPS blind CONNECT keep-alive req/s vs squid", run.ratio("egress", "squid", "tls-ka", "rps"), 1)
    at_least("intercepted keep-alive req/s vs squid-bump",
             run.ratio("egress-intercept", "squid-bump", "tls-ka", "rps"), 3)
    at_least("intercepted new-connection req/s vs squid-bump",
             run.ratio("egress-intercept", "squid-bump", "tls-new", "rps"), 4)
    return "\n".join(out)


def main():
    out_dir = sys.argv[1]
    data, fails = load(os.path.join(out_dir, "raw.tsv"))
    run = Run(data)
    meta = {}
    try:
        with open(os.path.join(out_dir, "meta.txt")) as f:
            for line in f:
                k, _, v = line.rstrip("\n").partition(" ")
                meta[k] = v
    except OSError:
        pass
    seen_p = {k[0] for k in data} | {k[0] for k in fails}
    seen_t = {k[1] for k in data} | {k[1] for k in fails}
    proxies = [p for p in PROXY_ORDER if p in seen_p] + sorted(seen_p - set(PROXY_ORDER))
    tests = [t for t in TEST_ORDER if t in seen_t]
    settings = dict(kv.split("=", 1) for kv in meta.get("settings", "").split() if "=" in kv)
    print(f"# egress-proxy vs peers, {meta.get('date', '?')} (commit {meta.get('commit', '?')})")
    print(f"settings: {meta.get('settings', '?')}")
    print("cell: median [min..max] over rounds (N.NNx = median of per-round ratios to direct); "
          "↑ higher is better, ↓ lower; last column: egress / best peer, "
          "'int.' = egress-intercept / squid-bump\n")
    print(table(run, proxies, tests))
    if fails:
        print("\nFAILED (proxy test: rounds): " +
              ", ".join(f"{p} {t}: {','.join(r)}" for (p, t), r in sorted(fails.items())))
    print("\n## issue 8 targets (egress-proxy)")
    print(targets(run, settings.get("IDLE_CONNS", "?")))
    if settings.get("QUICK") == "1":
        print("\n(QUICK run: short durations, fewer idle connections, a smaller bulk file; for development only)")


if __name__ == "__main__":
    main()
