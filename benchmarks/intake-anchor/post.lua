-- wrk script: POST one TLS-RPT report again and again on every connection, and print one machine-readable line.
--   WRK_BODY=report.json.gz [WRK_CONTENT_TYPE=application/tlsrpt+gzip] wrk -t2 -c50 -d15s --latency -s post.lua URL
-- The body is read once per wrk thread, at load time, so wrk builds the request once (no Lua per request).
local path = os.getenv("WRK_BODY")
if path == nil or path == "" then
  error("set WRK_BODY to the file to POST")
end
local file = assert(io.open(path, "rb"))
local body = file:read("*a")
file:close()

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = os.getenv("WRK_CONTENT_TYPE") or "application/tlsrpt+gzip"

-- status errors are wrk's "Non-2xx or 3xx responses" (status > 399); latency in microseconds
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "wrk-result body_bytes=%d requests=%d duration_us=%d non2xx=%d connect_errors=%d read_errors=%d "
      .. "write_errors=%d timeouts=%d p50_us=%d p99_us=%d max_us=%d\n",
    #body, summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50.0), latency:percentile(99.0), latency.max))
end
