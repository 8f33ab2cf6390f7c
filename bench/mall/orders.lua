-- Order creation for wrk. bench/mall/orders.mjs writes the script wrk runs: an ORDERS table (per
-- user the Authorization header and the body up to the product id, the product ids as strings,
-- whether to send an Idempotency-Key, the run's tag), bench/report.lua (the WRK_JSON line), then
-- this file. Request n of a thread orders 1 unit of product n mod P as user n mod U, so the
-- requests in flight at once name different users and products. Every reply must be 201.
-- done() adds a WRK_ORDERS line: requests sent (written, or about to be, when the run stopped),
-- replies 201, other replies and the first of them.
-- init(args): args[1] names the run, so the keys of one run never repeat in another.

THREADS = {}

function setup(thread)
  thread:set("id", #THREADS + 1)
  table.insert(THREADS, thread)
end

function init(args)
  run = args[1] or "run"
  sent = 0
  created = 0
  other = 0
  sample = ""
end

request = function()
  -- Threads start at different users and products.
  local n = sent + (id - 1) * 7
  sent = sent + 1
  local user = ORDERS.users[n % #ORDERS.users + 1]
  local headers = { ["Authorization"] = user.auth, ["Content-Type"] = "application/json" }
  if ORDERS.keys then
    headers["Idempotency-Key"] = ORDERS.tag .. "-" .. run .. "-" .. id .. "-" .. sent
  end
  local body = user.body .. ORDERS.products[n % #ORDERS.products + 1] .. ',"quantity":1}]}'
  return wrk.format("POST", wrk.path, headers, body)
end

response = function(status, headers, body)
  if status == 201 then
    created = created + 1
  else
    other = other + 1
    if sample == "" then sample = status .. " " .. string.sub(body or "", 1, 300) end
  end
end

local report_done = done

done = function(summary, latency, requests)
  report_done(summary, latency, requests)
  local s, c, o = 0, 0, 0
  local first = ""
  for _, t in ipairs(THREADS) do
    s = s + t:get("sent")
    c = c + t:get("created")
    o = o + t:get("other")
    if first == "" then first = t:get("sample") end
  end
  first = first:gsub('\\', '\\\\'):gsub('"', '\\"'):gsub('%c', ' ')
  io.write(string.format('WRK_ORDERS {"sent":%d,"created":%d,"other":%d,"sample":"%s"}\n', s, c, o, first))
end
