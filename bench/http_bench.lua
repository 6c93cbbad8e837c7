-- wrk script for bench/http_bench.py: rotates through the paths given after `--` (or the URL's own path),
-- counts 5xx and other statuses per thread, and prints one JSON line in done():
--   HTTP_BENCH_JSON {"requests":…, "rps":…, "p50_ms":…, "p95_ms":…, "status_5xx":…, …}
local paths = {}
local index = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for _, path in ipairs(args) do
    table.insert(paths, path)
  end
  responses_5xx = 0
  responses_other = 0
end

function request()
  if #paths == 0 then
    return wrk.format(nil)
  end
  index = index % #paths + 1
  return wrk.format(nil, paths[index])
end

function response(status, headers, body)
  if status >= 500 then
    responses_5xx = responses_5xx + 1
  elseif status >= 400 or status < 200 then
    responses_other = responses_other + 1
  end
end

function done(summary, latency, requests)
  local n5xx, nother = 0, 0
  for _, thread in ipairs(threads) do
    n5xx = n5xx + (thread:get("responses_5xx") or 0)
    nother = nother + (thread:get("responses_other") or 0)
  end
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  io.write(string.format(
    'HTTP_BENCH_JSON {"requests": %d, "seconds": %.3f, "rps": %.2f, "p50_ms": %.2f, "p95_ms": %.2f, ' ..
    '"p99_ms": %.2f, "max_ms": %.2f, "status_5xx": %d, "status_other": %d, "socket_errors": %d}\n',
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000, n5xx, nother,
    errors.connect + errors.read + errors.write + errors.timeout))
end
