-- Flash-sale buys for wrk. bench/seckill/run.mjs writes the script wrk runs: bench/report.lua (the
-- WRK_JSON line), then this file; the URL is the sale's buy route
-- (POST /api/v1/mall/flash-sales/:id/buy, Surge's or the naive server's).
-- init(args): args[1] is the buyers' file, one line per user: "<token> <address id>"; args[2] the
-- number of wrk threads (THREADS is filled in wrk's main Lua state only). Each thread
-- builds one request per user (its Authorization and body {"address_id": N}, quantity 1) and
-- cycles through them, threads starting at different users, so consecutive requests in flight
-- name different users and none is refused by the per-user rate alone.
-- done() adds a WRK_BUY line: requests sent (written, or about to be, when the run stopped), and
-- the replies by kind: ok (2xx: a ticket), sold_out (409, reason sold_out), over_limit (409,
-- code 40903: the user's units in the sale are used up), rate_limited (429), other (anything
-- else, the first of them kept as sample).

THREADS = {}

function setup(thread)
  thread:set("id", #THREADS + 1)
  table.insert(THREADS, thread)
end

local requests = {}

function init(args)
  local path = args[1]
  local f = assert(io.open(path, "r"), "cannot open the buyers' file " .. tostring(path))
  for line in f:lines() do
    local token, address = line:match("^(%S+) (%d+)$")
    if token then
      local headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
      table.insert(requests, wrk.format("POST", nil, headers, '{"address_id":' .. address .. '}'))
    end
  end
  f:close()
  assert(#requests > 0, "no buyers in " .. path)
  -- Threads start a share of the users apart.
  sent = math.floor((id - 1) * #requests / (tonumber(args[2]) or 1))
  first = sent
  ok = 0
  sold_out = 0
  over_limit = 0
  rate_limited = 0
  other = 0
  sample = ""
end

request = function()
  sent = sent + 1
  return requests[sent % #requests + 1]
end

response = function(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
  elseif status == 409 and body and body:find('"sold_out"', 1, true) then
    sold_out = sold_out + 1
  elseif status == 409 and body and body:find('"code":40903', 1, true) then
    over_limit = over_limit + 1
  elseif status == 429 then
    rate_limited = rate_limited + 1
  else
    other = other + 1
    if sample == "" then sample = status .. " " .. string.sub(body or "", 1, 300) end
  end
end

local report_done = done

done = function(summary, latency, requests)
  report_done(summary, latency, requests)
  local c = { sent = 0, ok = 0, sold_out = 0, over_limit = 0, rate_limited = 0, other = 0 }
  local first_other = ""
  for _, t in ipairs(THREADS) do
    c.sent = c.sent + t:get("sent") - t:get("first")
    for _, k in ipairs({ "ok", "sold_out", "over_limit", "rate_limited", "other" }) do c[k] = c[k] + t:get(k) end
    if first_other == "" then first_other = t:get("sample") end
  end
  first_other = first_other:gsub('\\', '\\\\'):gsub('"', '\\"'):gsub('%c', ' ')
  io.write(string.format('WRK_BUY {"sent":%d,"ok":%d,"sold_out":%d,"over_limit":%d,"rate_limited":%d,"other":%d,"sample":"%s"}\n',
    c.sent, c.ok, c.sold_out, c.over_limit, c.rate_limited, c.other, first_other))
end
