-- wrk script for compare.sh: every request line is absolute-form (GET http://host:port/path),
-- what a client sends to a forward proxy. wrk connects to the address on its command line (the
-- proxy, or the origin itself for the direct row: nginx accepts absolute-form too), so the bytes
-- on the wire are the same in every row.  TARGET_URL = http://127.0.0.1:PORT/1k
local target = os.getenv("TARGET_URL")
wrk.method = "GET"
wrk.path = target
wrk.headers["Host"] = target:match("^http://([^/]+)")

-- machine-readable totals for tools/clients.py, one "=name value" line each
function done(summary, latency, requests)
  local errors = summary.errors
  local lines = {
    { "requests", summary.requests },
    { "elapsed_us", summary.duration },
    { "p50_us", latency:percentile(50) },
    { "p99_us", latency:percentile(99) },
    { "err_connect", errors.connect },
    { "err_read", errors.read },
    { "err_write", errors.write },
    { "err_timeout", errors.timeout },
    { "non_2xx", errors.status },
  }
  for _, kv in ipairs(lines) do
    io.write(string.format("=%s %d\n", kv[1], kv[2]))
  end
end
