-- Douyin replies are HTTP 200 even for errors (status_code in the body), so wrk's own count of
-- non-2xx answers misses them. Appended after bench/report.lua: every reply must start with
-- status_code 0; done() adds a WRK_STATUS line with the number that did not and the first one.
-- THREADS (every wrk thread, for done()) is shared with scripts appended after this one.

THREADS = {}

function setup(thread)
  thread:set("id", #THREADS + 1)
  table.insert(THREADS, thread)
end

failed = 0
sample = ""

response = function(status, headers, body)
  if string.sub(body, 1, 17) ~= '{"status_code":0,' then
    failed = failed + 1
    if sample == "" then sample = string.sub(body, 1, 300) end
  end
end

local report_done = done

done = function(summary, latency, requests)
  report_done(summary, latency, requests)
  local bad = 0
  local first = ""
  for _, t in ipairs(THREADS) do
    bad = bad + t:get("failed")
    if first == "" then first = t:get("sample") end
  end
  first = first:gsub('\\', '\\\\'):gsub('"', '\\"'):gsub('%c', ' ')
  io.write(string.format('WRK_STATUS {"failed":%d,"sample":"%s"}\n', bad, first))
end
