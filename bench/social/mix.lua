-- The social mix for wrk. bench/social/run.mjs writes the script wrk runs: a `MIX` table of seeded
-- tokens and ids, bench/report.lua (the WRK_JSON line), bench/douyin-status.lua (every reply must
-- have status_code 0), then this file. Each request picks its kind by weight and a random viewer;
-- likes and follows alternate per (viewer, target) pair, so the state stays bounded however long
-- the run. done() adds a WRK_MIX line with the requests picked per kind.

local cuts, total

function init(args)
  math.randomseed(id * 7919 + os.time())
  counts = { feed = 0, like = 0, comments = 0, follow = 0 }
  -- true while this thread's last action on the pair was a like / a follow
  liked = {}
  following = {}
  total = 0
  cuts = {}
  for _, kind in ipairs({ "feed", "like", "comments", "follow" }) do
    total = total + MIX.weights[kind]
    table.insert(cuts, { kind, total })
  end
end

local get_headers = {}
local post_headers = {}

local function kind_of(r)
  for _, c in ipairs(cuts) do
    if r <= c[2] then return c[1] end
  end
end

request = function()
  local kind = kind_of(math.random(total))
  counts[kind] = counts[kind] + 1
  local n = #MIX.tokens
  local i = math.random(n)
  local token = MIX.tokens[i]
  if kind == "feed" then
    return wrk.format("GET", "/douyin/feed/?token=" .. token, get_headers)
  elseif kind == "comments" then
    local v = MIX.commentVideos[math.random(#MIX.commentVideos)]
    return wrk.format("GET", "/douyin/comment/list/?token=" .. token .. "&video_id=" .. v, get_headers)
  elseif kind == "like" then
    local j = math.random(#MIX.likeVideos)
    local key = i * 1000003 + j
    local action = liked[key] and 2 or 1
    liked[key] = action == 1
    return wrk.format("POST", "/douyin/favorite/action/?token=" .. token .. "&video_id=" .. MIX.likeVideos[j] .. "&action_type=" .. action, post_headers, "")
  else
    -- anyone but oneself: the viewer at the same index owns the token
    local j = math.random(n - 1)
    if j >= i then j = j + 1 end
    local key = i * 1000003 + j
    local action = following[key] and 2 or 1
    following[key] = action == 1
    return wrk.format("POST", "/douyin/relation/action/?token=" .. token .. "&to_user_id=" .. MIX.userIds[j] .. "&action_type=" .. action, post_headers, "")
  end
end

local status_done = done

done = function(summary, latency, requests)
  status_done(summary, latency, requests)
  local sum = { feed = 0, like = 0, comments = 0, follow = 0 }
  for _, t in ipairs(THREADS) do
    for k, v in pairs(t:get("counts")) do sum[k] = sum[k] + v end
  end
  io.write(string.format('WRK_MIX {"picked":{"feed":%d,"like":%d,"comments":%d,"follow":%d}}\n', sum.feed, sum.like, sum.comments, sum.follow))
end
