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
--   BENCH_RATE    get | put at a fixed rate: requests per second over all threads. Each thread sends
--                 on its own schedule, one request every BENCH_THREADS / BENCH_RATE seconds, and
--                 counts each request's latency from when it was due (see delay() below). Run wrk
--                 with one connection per thread (-c equal to -t): response() cannot tell the
--                 connections of a thread apart.
-- done() prints one line: BENCH requests=... rps=... p50_us=... p99_us=... p999_us=... errors=... non2xx=...
-- hops_mean=... (the mean X-DHT-Hops, n/a where the answers carry none) span_seconds=... (from the
-- first request sent to the last answer, over all threads); at a fixed rate also rate=... (the one
-- asked for) due_p50_us=... due_p99_us=... due_p999_us=... (latency from when each request was due)
-- late=... (requests sent more than 1 ms after they were due)

local api = os.getenv("BENCH_API") or "dht"
local mode = os.getenv("BENCH_MODE") or "get"
local hosts_setting = os.getenv("BENCH_HOSTS") or "127.0.0.1:8080"
local threads_count = tonumber(os.getenv("BENCH_THREADS") or "1")
local keys = tonumber(os.getenv("BENCH_KEYS") or "10000")
local prefix = os.getenv("BENCH_PREFIX") or "k"
local value_bytes = tonumber(os.getenv("BENCH_VALUE_BYTES") or "100")
local done_file = os.getenv("BENCH_DONE_FILE")
local rate = tonumber(os.getenv("BENCH_RATE") or "")

-- a monotonic clock in microseconds (wrk's Lua is LuaJIT, whose ffi calls libc)
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *ts);
]]
local timespec = ffi.new("bench_timespec")
local function now_us()
  ffi.C.clock_gettime(1, timespec) -- CLOCK_MONOTONIC
  return tonumber(timespec.tv_sec) * 1e6 + tonumber(timespec.tv_nsec) / 1e3
end

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
first_us, last_us = nil, nil
-- at a fixed rate: latency from when each request was due, in microseconds rounded down to 4
-- significant digits -> how many requests took that long; and how many were sent late
latencies, late = {}, 0
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

-- at a fixed rate: when the thread's next request is due, and when its last one was sent
local interval_us, due_us, sent_us

if rate then
  -- wrk calls delay() before each request of a connection and sends it that many milliseconds
  -- later. The schedule is fixed: a request that comes back late does not push the next ones
  -- back; they go out at once until the thread is on schedule again, and their latency counts
  -- from when they were due (what wrk's own numbers, counted from when a request was sent, leave
  -- out: coordinated omission).
  function delay()
    local now = now_us()
    if due_us then
      due_us = due_us + interval_us
    else
      -- the threads' schedules are spread over one interval
      interval_us = 1e6 * threads_count / rate
      due_us = now + interval_us * index / threads_count
    end
    -- wrk's timers count in whole milliseconds: this wakes up to 1 ms before the request is due
    return math.max(0, math.floor((due_us - now) / 1000))
  end
end

local function record_latency(us)
  local scale = 1
  while us >= 10000 do
    us = us / 10
    scale = scale * 10
  end
  local bucket = math.floor(us) * scale
  latencies[bucket] = (latencies[bucket] or 0) + 1
end

function request()
  local n = key_number()
  sent_us = now_us()
  first_us = first_us or sent_us
  if api == "etcd" then
    return etcd_request(n)
  end
  return dht_request(n)
end

function response(status, headers, body)
  local now = now_us()
  last_us = now
  responses = responses + 1
  if rate then
    -- from when it was due, or from when it was sent if that was sooner
    local start = math.min(sent_us, due_us)
    if sent_us > due_us + 1000 then
      late = late + 1
    end
    record_latency(now - start)
  end
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

-- nearest rank over the buckets of record_latency
local function percentiles(counts, total, ...)
  local buckets = {}
  for bucket in pairs(counts) do
    table.insert(buckets, bucket)
  end
  table.sort(buckets)
  local out = {}
  for i, p in ipairs({ ... }) do
    local rank, seen = math.max(1, math.ceil(total * p / 100)), 0
    out[i] = 0
    for _, bucket in ipairs(buckets) do
      seen = seen + counts[bucket]
      if seen >= rank then
        out[i] = bucket
        break
      end
    end
  end
  return unpack(out)
end

function done(summary, latency, requests)
  local bad, answered, hops, seen, first, last, due, due_total, sent_late = 0, 0, 0, 0, nil, nil, {}, 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + (tonumber(thread:get("non2xx")) or 0)
    answered = answered + (tonumber(thread:get("responses")) or 0)
    hops = hops + (tonumber(thread:get("hops_sum")) or 0)
    seen = seen + (tonumber(thread:get("hops_seen")) or 0)
    local f, l = tonumber(thread:get("first_us")), tonumber(thread:get("last_us"))
    if f and (not first or f < first) then
      first = f
    end
    if l and (not last or l > last) then
      last = l
    end
    for bucket, count in pairs(thread:get("latencies")) do
      due[bucket] = (due[bucket] or 0) + count
      due_total = due_total + count
    end
    sent_late = sent_late + (tonumber(thread:get("late")) or 0)
  end
  local hops_mean = "n/a"
  if seen > 0 then
    hops_mean = string.format("%.3f", hops / seen)
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  local seconds = summary.duration / 1e6
  local span = 0
  if first and last then
    span = (last - first) / 1e6
  end
  local fixed_rate = ""
  if rate then
    local p50, p99, p999 = percentiles(due, due_total, 50, 99, 99.9)
    fixed_rate = string.format(" rate=%.1f due_p50_us=%d due_p99_us=%d due_p999_us=%d late=%d", rate, p50, p99, p999,
      sent_late)
  end
  io.write(string.format(
    "BENCH requests=%d answered=%d seconds=%.2f rps=%.1f p50_us=%d p99_us=%d p999_us=%d max_us=%d errors=%d non2xx=%d hops_mean=%s span_seconds=%.3f%s\n",
    summary.requests, answered, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max, errors, bad, hops_mean,
    span, fixed_rate))
end
