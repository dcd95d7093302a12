-- wrk script for the benchmark: random keys against /keys/{key} (a DHT node, the trivial endpoint)
-- or etcd's HTTP API, each wrk thread entering at its own host of a list (round robin).
--
-- Settings come from the environment:
--   BENCH_API     dht (PUT/GET /keys/{key}) or etcd (POST /v3/kv/put and /v3/kv/range, base64)
--   BENCH_MODE    get | put: random keys; load: every key once, in order, then the thread stops
--   BENCH_HOSTS   host:port,host:port,...   where the threads enter
--   BENCH_THREADS the -t given to wrk (each thread takes its share of the keys in load mode)
--   BENCH_KEYS    how many keys (named PREFIX0 .. PREFIX<n-1>)
--   BENCH_PREFIX  key prefix
--   BENCH_VALUE_BYTES size of each value written
--   BENCH_DONE_FILE   load mode: each thread appends a line here when it is done (wrk itself runs
--                     for its whole -d unless interrupted, so the caller sends SIGINT once all are)
-- done() prints one line: BENCH requests=... rps=... p50_us=... p99_us=... p999_us=... errors=... non2xx=...
-- hops_mean=... (the mean X-DHT-Hops, n/a where the answers carry none)

local api = os.getenv("BENCH_API") or "dht"
local mode = os.getenv("BENCH_MODE") or "get"
local hosts_setting = os.getenv("BENCH_HOSTS") or "127.0.0.1:8080"
local threads_count = tonumber(os.getenv("BENCH_THREADS") or "1")
local keys = tonumber(os.getenv("BENCH_KEYS") or "10000")
local prefix = os.getenv("BENCH_PREFIX") or "k"
local value_bytes = tonumber(os.getenv("BENCH_VALUE_BYTES") or "100")
local done_file = os.getenv("BENCH_DONE_FILE")

local hosts = {}
for host in string.gmatch(hosts_setting, "[^,]+") do
  table.insert(hosts, host)
end

local threads = {}
local thread_index = 0

function setup(thread)
  local host = hosts[(thread_index % #hosts) + 1]
  local name, port = string.match(host, "^(.+):(%d+)$")
  thread.addr = wrk.lookup(name, port)[1]
  thread:set("index", thread_index)
  thread_index = thread_index + 1
  table.insert(threads, thread)
end

-- base64 (RFC 4648) for etcd's JSON bodies, in plain Lua 5.1
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function base64(data)
  local out = {}
  for i = 1, #data, 3 do
    local a, b, c = string.byte(data, i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    local c1 = math.floor(n / 262144) % 64
    local c2 = math.floor(n / 4096) % 64
    local c3 = math.floor(n / 64) % 64
    local c4 = n % 64
    out[#out + 1] = string.sub(alphabet, c1 + 1, c1 + 1) .. string.sub(alphabet, c2 + 1, c2 + 1)
      .. (b and string.sub(alphabet, c3 + 1, c3 + 1) or "=") .. (c and string.sub(alphabet, c4 + 1, c4 + 1) or "=")
  end
  return table.concat(out)
end

local value, value64, encoded_keys
local next_key, step, quota = 0, 1, 0
-- globals, so that done() can read them from each thread
responses, non2xx, hops_sum, hops_seen = 0, 0, 0, 0
local stopped = false

function init(args)
  index = tonumber(index) or 0
  math.randomseed(os.time() * 1000 + index)
  value = string.rep("v", value_bytes)
  if api == "etcd" then
    value64 = base64(value)
    encoded_keys = {}
    for i = 0, keys - 1 do
      encoded_keys[i] = base64(prefix .. i)
    end
  end
  next_key = index
  step = threads_count
  -- in load mode this thread writes keys index, index + step, ...: this many of them
  quota = math.floor((keys - 1 - index) / step) + 1
  if index >= keys then
    quota = 0
  end
end

local function key_number()
  if mode == "load" then
    local n = next_key % keys
    next_key = next_key + step
    return n
  end
  return math.random(0, keys - 1)
end

local function dht_request(n)
  if mode == "get" then
    return wrk.format("GET", "/keys/" .. prefix .. n)
  end
  return wrk.format("PUT", "/keys/" .. prefix .. n, { ["Content-Type"] = "application/octet-stream" }, value)
end

local function etcd_request(n)
  local headers = { ["Content-Type"] = "application/json" }
  if mode == "get" then
    return wrk.format("POST", "/v3/kv/range", headers, '{"key":"' .. encoded_keys[n] .. '"}')
  end
  return wrk.format("POST", "/v3/kv/put", headers, '{"key":"' .. encoded_keys[n] .. '","value":"' .. value64 .. '"}')
end

function request()
  local n = key_number()
  if api == "etcd" then
    return etcd_request(n)
  end
  return dht_request(n)
end

function response(status, headers, body)
  responses = responses + 1
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
  -- header names are case-insensitive: a relayed answer may carry x-dht-hops
  for name, hops in pairs(headers) do
    if string.lower(name) == "x-dht-hops" then
      hops_sum = hops_sum + (tonumber(hops) or 0)
      hops_seen = hops_seen + 1
    end
  end
  -- a thread in load mode stops once it got an answer for each of its keys (requests sent past
  -- that wrap around to keys it already wrote)
  if mode == "load" and responses >= quota and not stopped then
    stopped = true
    if done_file then
      local file = io.open(done_file, "a")
      file:write("thread " .. index .. " done\n")
      file:close()
    end
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local bad, answered, hops, seen = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + (tonumber(thread:get("non2xx")) or 0)
    answered = answered + (tonumber(thread:get("responses")) or 0)
    hops = hops + (tonumber(thread:get("hops_sum")) or 0)
    seen = seen + (tonumber(thread:get("hops_seen")) or 0)
  end
  local hops_mean = "n/a"
  if seen > 0 then
    hops_mean = string.format("%.3f", hops / seen)
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "BENCH requests=%d answered=%d seconds=%.2f rps=%.1f p50_us=%d p99_us=%d p999_us=%d max_us=%d errors=%d non2xx=%d hops_mean=%s\n",
    summary.requests, answered, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max, errors, bad, hops_mean))
end
