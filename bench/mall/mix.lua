-- The mall mix for wrk. bench/mall/mix.mjs writes the script wrk runs: a `MIX` table (weights,
-- the seeded users' tokens and address ids, product, category and order-product ids, search
-- words, what each kind must answer), bench/report.lua (the WRK_JSON line), then this file.
--
-- Each request picks its kind by weight. Order and pay picks both go to the checkout: it pays the
-- oldest order this thread created and has not paid yet, with its buyer's token, and places a new
-- order (one unit of one product, "buy now") when there is none, so the two stay even. Every
-- request carries an x-request-id "<kind>.<seq>.<user>", which Surge echoes: response() learns
-- from it which request a reply answers (wrk tells it nothing else), checks the reply's status and
-- first bytes against MIX.expect, queues a new order for paying, and times the request per kind
-- from request() to response() on the monotonic clock (LuaJIT's ffi): wrk calls request() just
-- before it starts its own clock for a request and response() just after it stops it.
-- The first request of each connection (the first request() calls, one per connection wrk opens)
-- is checked but left out of the percentiles: it waits for the server to accept its connection,
-- and a busy Node event loop takes in a burst of new connections one at a time (a bare node:http
-- server that spends 1 ms per request does the same), which is the start of a run, not the load.
-- Their count and slowest time are reported on their own.
-- done() adds a WRK_MALL line: per kind the requests sent, answered, failed (with the first
-- failure) and p50/p90/p99 in µs, the same percentiles over every request, and the replies that
-- named no request of this run. These percentiles are of the requests as timed; wrk's own (the
-- WRK_JSON line) include the samples its coordinated-omission correction adds.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } mall_mix_timespec;
int clock_gettime(int clock_id, mall_mix_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local ts = ffi.new("mall_mix_timespec")
local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
  return tonumber(ts.tv_sec) * 1000000 + tonumber(ts.tv_nsec) / 1000
end

local KINDS = { "detail", "category", "search", "home", "cart_put", "cart_get", "order", "pay" }
local KIND_INDEX = {}
for i, k in ipairs(KINDS) do KIND_INDEX[k] = i end
-- Latency histogram: buckets 1% wide (log scale), key kind_index * BUCKETS + bucket, one flat table
-- (wrk copies a thread's globals to done() one table level deep).
local BUCKETS = 100000
local function bucket_of(us)
  if us < 1 then us = 1 end
  return math.floor(math.log(us) * 100)
end

THREADS = {}

function setup(thread)
  thread:set("id", #THREADS + 1)
  table.insert(THREADS, thread)
end

local cuts, total, run_label
local started = {}
-- orders created and not yet paid, oldest first: { id = "<order id>", user = <index> }
local unpaid, unpaid_head, unpaid_tail = {}, 1, 0
local seq = 0

function init(args)
  math.randomseed(id * 7919 + os.time())
  run_label = args[1] or "run"
  first_requests = tonumber(args[2]) or 0
  first_count, first_max_us = 0, 0
  picked, answered, failed, samples, hist = {}, {}, {}, {}, {}
  unmatched = 0
  unmatched_sample = ""
  for _, k in ipairs(KINDS) do
    picked[k], answered[k], failed[k], samples[k] = 0, 0, 0, ""
  end
  total = 0
  cuts = {}
  for _, kind in ipairs(KINDS) do
    total = total + MIX.weights[kind]
    table.insert(cuts, { kind, total })
  end
end

local function kind_of(r)
  for _, c in ipairs(cuts) do
    if r <= c[2] then return c[1] end
  end
end

local json_headers = { ["Content-Type"] = "application/json" }
local M = "/api/v1/mall"

local function headers_for(kind, user, signed_in)
  seq = seq + 1
  local h = { ["x-request-id"] = kind .. "." .. seq .. "." .. user }
  if signed_in then h["Authorization"] = "Bearer " .. MIX.tokens[user] end
  return h
end

local function pick(list) return list[math.random(#list)] end

request = function()
  local kind = kind_of(math.random(total))
  if kind == "order" or kind == "pay" then
    kind = unpaid_head <= unpaid_tail and "pay" or "order"
  end
  picked[kind] = picked[kind] + 1
  local user = math.random(#MIX.tokens)
  local req
  if kind == "detail" then
    req = wrk.format("GET", M .. "/products/" .. pick(MIX.products), headers_for(kind, user, false))
  elseif kind == "category" then
    req = wrk.format("GET", M .. "/products?category_id=" .. pick(MIX.categories) .. "&sort=" .. pick(MIX.sorts) .. "&limit=20", headers_for(kind, user, false))
  elseif kind == "search" then
    req = wrk.format("GET", M .. "/search?q=" .. pick(MIX.words) .. "&limit=20", headers_for(kind, user, false))
  elseif kind == "home" then
    req = wrk.format("GET", M .. "/home", headers_for(kind, user, false))
  elseif kind == "cart_put" then
    -- each user keeps to a window of MIX.cartWindow products, well under the cart's bound
    local n = #MIX.orderProducts
    local product = MIX.orderProducts[(user * 7 + math.random(MIX.cartWindow) - 1) % n + 1]
    local h = headers_for(kind, user, true)
    h["Content-Type"] = "application/json"
    req = wrk.format("PUT", M .. "/cart/items/" .. product, h, '{"quantity":' .. math.random(5) .. '}')
  elseif kind == "cart_get" then
    req = wrk.format("GET", M .. "/cart", headers_for(kind, user, true))
  elseif kind == "order" then
    local h = headers_for(kind, user, true)
    h["Content-Type"] = "application/json"
    h["Idempotency-Key"] = run_label .. "-" .. id .. "-" .. seq
    req = wrk.format("POST", M .. "/orders", h, '{"address_id":' .. MIX.addresses[user] .. ',"items":[{"product_id":' .. pick(MIX.orderProducts) .. ',"quantity":1}]}')
  else
    local o = unpaid[unpaid_head]
    unpaid[unpaid_head] = nil
    unpaid_head = unpaid_head + 1
    local h = headers_for(kind, o.user, true)
    h["Content-Type"] = "application/json"
    req = wrk.format("POST", M .. "/orders/" .. o.id .. "/pay", h, "{}")
  end
  started[seq] = now_us()
  return req
end

response = function(status, headers, body)
  local t1 = now_us()
  local rid = headers["x-request-id"] or headers["X-Request-Id"] or ""
  local kind, s, user = string.match(rid, "^([%l_]+)%.(%d+)%.(%d+)$")
  local t0 = s and started[tonumber(s)]
  if not t0 or not KIND_INDEX[kind] then
    unmatched = unmatched + 1
    if unmatched_sample == "" then unmatched_sample = status .. " x-request-id=" .. rid .. " " .. string.sub(body, 1, 200) end
    return
  end
  started[tonumber(s)] = nil
  answered[kind] = answered[kind] + 1
  if tonumber(s) <= first_requests then
    first_count = first_count + 1
    if t1 - t0 > first_max_us then first_max_us = t1 - t0 end
  else
    local key = KIND_INDEX[kind] * BUCKETS + bucket_of(t1 - t0)
    hist[key] = (hist[key] or 0) + 1
  end
  local want = MIX.expect[kind]
  if status ~= want.status or string.sub(body, 1, #want.prefix) ~= want.prefix then
    failed[kind] = failed[kind] + 1
    if samples[kind] == "" then samples[kind] = status .. " " .. string.sub(body, 1, 300) end
    return
  end
  if kind == "order" then
    local order = string.match(body, '^{"order":{"id":(%d+)')
    unpaid_tail = unpaid_tail + 1
    unpaid[unpaid_tail] = { id = order, user = tonumber(user) }
  end
end

local function percentile(keys, counts, n, p)
  local want = math.ceil(n * p / 100)
  local seen = 0
  for _, b in ipairs(keys) do
    seen = seen + counts[b]
    if seen >= want then return math.exp((b + 0.5) / 100) end
  end
  return 0
end

local function quote(s)
  return '"' .. s:gsub('\\', '\\\\'):gsub('"', '\\"'):gsub('%c', ' ') .. '"'
end

local report_done = done

done = function(summary, latency, requests)
  report_done(summary, latency, requests)
  local parts = {}
  local lost, lost_sample = 0, ""
  local all_counts, all_keys, all_n = {}, {}, 0
  for ki, k in ipairs(KINDS) do
    local sent, got, bad, first = 0, 0, 0, ""
    local counts, keys, n = {}, {}, 0
    for _, t in ipairs(THREADS) do
      sent = sent + t:get("picked")[k]
      got = got + t:get("answered")[k]
      bad = bad + t:get("failed")[k]
      if first == "" then first = t:get("samples")[k] end
      for key, c in pairs(t:get("hist")) do
        if math.floor(key / BUCKETS) == ki then
          local b = key - ki * BUCKETS
          if not counts[b] then table.insert(keys, b) end
          counts[b] = (counts[b] or 0) + c
          n = n + c
          if not all_counts[b] then table.insert(all_keys, b) end
          all_counts[b] = (all_counts[b] or 0) + c
          all_n = all_n + c
        end
      end
    end
    table.sort(keys)
    table.insert(parts, string.format('"%s":{"sent":%d,"answered":%d,"failed":%d,"sample":%s,"timed":%d,"p50_us":%.1f,"p90_us":%.1f,"p99_us":%.1f}',
      k, sent, got, bad, quote(first), n, percentile(keys, counts, n, 50), percentile(keys, counts, n, 90), percentile(keys, counts, n, 99)))
  end
  local firsts, first_max = 0, 0
  for _, t in ipairs(THREADS) do
    lost = lost + t:get("unmatched")
    if lost_sample == "" then lost_sample = t:get("unmatched_sample") end
    firsts = firsts + t:get("first_count")
    if t:get("first_max_us") > first_max then first_max = t:get("first_max_us") end
  end
  table.sort(all_keys)
  io.write(string.format('WRK_MALL {"kinds":{%s},"all":{"timed":%d,"p50_us":%.1f,"p90_us":%.1f,"p99_us":%.1f},"firstOnConnection":{"count":%d,"max_us":%.1f},"unmatched":%d,"unmatchedSample":%s}\n',
    table.concat(parts, ","), all_n, percentile(all_keys, all_counts, all_n, 50), percentile(all_keys, all_counts, all_n, 90), percentile(all_keys, all_counts, all_n, 99),
    firsts, first_max, lost, quote(lost_sample)))
end
