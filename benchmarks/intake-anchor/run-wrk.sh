#!/usr/bin/env bash
# Issue 6's intake benchmark with wrk, three receivers side by side under the same load:
#   anchor     a plain Node.js Express receiver that gunzips, parses and checks the JSON, keeps nothing (server.js)
#   floor      our JDK HttpServer that answers 201 at once without Kafka   (tlsrpt bench intake --serve-seconds)
#   connector  the ingest connector's endpoint, plain HTTP, 201 only after Kafka's acknowledgement (same command)
# wrk -t2 -c50 --latency POSTs the same real gzip report to each (post.lua); a warm-up run per receiver, then ROUNDS
# rounds of one run per receiver, the order rotated every round; `uptime` before and after every run.
# Prints one table per run and a summary: medians and spread of requests/s, p50, p99, non-2xx, and the per-round
# ratios connector/anchor and connector/floor. Checks durability: every 201 wrk got from the connector was counted by
# the connector as a 201 after the Kafka acknowledgement, and the raw topic holds at least as many records.
#
# A manual benchmark: it installs nothing. It needs wrk (Debian: apt-get install wrk), Node.js >= 18 and express
# (npm ci in this directory) and the CLI (bin/tlsrpt builds it when missing).
#
#   benchmarks/intake-anchor/run-wrk.sh                          # 3 rounds of 15 s, 15 s warm-up, 50 connections
#   ROUNDS=5 DURATION=20 benchmarks/intake-anchor/run-wrk.sh
#   TLSRPT_CLI="java -Xmx512m -Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.tlsrpt -jar /tmp/copy/tlsrpt-cli.jar" \
#     benchmarks/intake-anchor/run-wrk.sh        # a copy of the jars, safe from builds in the same tree
# Settings (environment): ROUNDS (3), DURATION (15 s), WARMUP (15 s: the JIT), CONNECTIONS (50), THREADS (2),
# BODY (the bench's default body: the real 306-byte Google gzip report), TLSRPT_JAVA_OPTS (-Xmx512m; read by
# bin/tlsrpt only: with TLSRPT_CLI give the JVM options in it), KEEP (a directory to keep the raw outputs in).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rounds="${ROUNDS:-3}"
duration="${DURATION:-15}"
warmup="${WARMUP:-15}"
connections="${CONNECTIONS:-50}"
threads="${THREADS:-2}"
body="${BODY:-$root/cli/src/main/resources/io/tlsrpt/cli/bench/google-report.json.gz}"
export TLSRPT_JAVA_OPTS="${TLSRPT_JAVA_OPTS:--Xmx512m}"
read -r -a tlsrpt <<< "${TLSRPT_CLI:-$root/bin/tlsrpt}"

fail() {
  echo "run-wrk.sh: $*" >&2
  exit 2
}
command -v wrk >/dev/null || fail "needs wrk (Debian: apt-get install wrk)"
command -v node >/dev/null || fail "needs Node.js >= 18"
[ -d "$here/node_modules/express" ] || fail "needs express: (cd $here && npm ci)"
[ -f "$body" ] || fail "no body file $body"

work="$(mktemp -d "${TMPDIR:-/tmp}/tlsrpt-wrk-XXXXXX")"
anchor_pid=""
serve_pid=""
cleanup() {
  # end only what this script started, by its pid; both also stop by themselves after their lifetime
  if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2>/dev/null; then
    { echo stop >&3; } 2>/dev/null || true
    exec 3>&- || true
    wait "$serve_pid" 2>/dev/null || true
  fi
  if [ -n "$anchor_pid" ] && kill -0 "$anchor_pid" 2>/dev/null; then
    kill "$anchor_pid" 2>/dev/null || true
    wait "$anchor_pid" 2>/dev/null || true
  fi
  if [ -n "${KEEP:-}" ]; then
    mkdir -p "$KEEP" && cp -r "$work"/. "$KEEP"/
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Long enough for the Connect worker to start and every run to finish; "stop" ends the receivers earlier.
lifetime=$((300 + (rounds + 1) * 3 * (duration + warmup + 5)))

node "$here/server.js" --seconds "$lifetime" > "$work/anchor.out" 2>&1 &
anchor_pid=$!
mkfifo "$work/control"
"${tlsrpt[@]}" bench intake --connections "$connections" --serve-seconds "$lifetime" \
  < "$work/control" > "$work/serve.out" 2> "$work/serve.err" &
serve_pid=$!
exec 3> "$work/control"   # the receivers' control input: "stop" ends them

url_of() { sed -n "s/^$2//p" "$1" | head -n 1; }
for _ in $(seq 600); do
  anchor_url="$(url_of "$work/anchor.out" 'anchor: ')"
  floor_url="$(url_of "$work/serve.out" '# floor (JDK HttpServer, 201 at once): ')"
  connector_url="$(url_of "$work/serve.out" '# connector (201 after Kafka ack): ')"
  [ -n "$anchor_url" ] && [ -n "$floor_url" ] && [ -n "$connector_url" ] && break
  kill -0 "$serve_pid" 2>/dev/null || { tail -n 20 "$work/serve.err" >&2; fail "tlsrpt bench intake ended"; }
  kill -0 "$anchor_pid" 2>/dev/null || { cat "$work/anchor.out" >&2; fail "the anchor ended"; }
  sleep 0.5
done
[ -n "$anchor_url" ] && [ -n "$floor_url" ] && [ -n "$connector_url" ] || fail "the receivers did not start"

load1() { cut -d ' ' -f 1 /proc/loadavg; }
url_for() {
  case "$1" in
    anchor) echo "$anchor_url" ;;
    floor) echo "$floor_url" ;;
    connector) echo "$connector_url" ;;
  esac
}

# one wrk run; appends "round receiver load_before load_after <wrk-result fields>" to results
run_wrk() {
  local round="$1" receiver="$2" seconds="$3" before after line
  before="$(load1)"
  line="$(WRK_BODY="$body" wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s "$here/post.lua" \
    "$(url_for "$receiver")" | tee -a "$work/wrk-$receiver.txt" | grep '^wrk-result ')"
  after="$(load1)"
  echo "$round $receiver $before $after ${line#wrk-result }" >> "$work/results"
}

echo "# $(date -u +%FT%TZ) wrk $(wrk --version 2>&1 | head -n 1 | cut -d ' ' -f 2), node $(node --version),"\
  "express $(node -p "require('$here/node_modules/express/package.json').version"), $(nproc) cores;"\
  "-t$threads -c$connections, $(stat -c %s "$body")-byte body, ${warmup} s warm-up + $rounds x ${duration} s per receiver"
echo "# uptime before: $(uptime)"
: > "$work/results"
for receiver in anchor floor connector; do
  run_wrk 0 "$receiver" "$warmup"
done
order=(anchor floor connector)
for round in $(seq 1 "$rounds"); do
  for i in 0 1 2; do
    run_wrk "$round" "${order[$(((i + round - 1) % 3))]}" "$duration"
  done
done
echo "# uptime after: $(uptime)"

echo stop >&3
exec 3>&-
wait "$serve_pid" || fail "tlsrpt bench intake failed: $(tail -n 5 "$work/serve.err")"
serve_pid=""
kill "$anchor_pid" 2>/dev/null || true
wait "$anchor_pid" || true
anchor_pid=""

awk -v serve="$work/serve.out" -v anchorlog="$work/anchor.out" '
function field(name,   i, kv) {
  for (i = 5; i <= NF; i++) { split($i, kv, "="); if (kv[1] == name) return kv[2] + 0 }
  return -1
}
function count(line) {   # "# what: 12,345 (why)" -> 12345
  sub(/^[^:]*: /, "", line); sub(/ .*/, "", line); gsub(/,/, "", line)
  return line + 0
}
function median(list,   n, a, i, j, t) {
  n = split(list, a, " ")
  for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
  lo = a[1]; hi = a[n]
  return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
  round = $1; r = $2; requests = field("requests"); non2xx = field("non2xx")
  errors = field("connect_errors") + field("read_errors") + field("write_errors") + field("timeouts")
  created[r] += requests - non2xx
  if (round == 0) next
  rps = (requests - non2xx) / (field("duration_us") / 1e6)
  rows = rows sprintf("| %d | %s | %s / %s | %d | %d | %d | %.0f | %.1f | %.1f |\n", round, r, $3, $4, requests,
    non2xx, errors, rps, field("p50_us") / 1000, field("p99_us") / 1000)
  all[r] = all[r] sprintf(" %.3f", rps)
  p50[r] = p50[r] sprintf(" %.3f", field("p50_us") / 1000); p99[r] = p99[r] sprintf(" %.3f", field("p99_us") / 1000)
  bad[r] += non2xx + errors; perround[round, r] = rps
  if (round > rounds) rounds = round
}
END {
  print "\n| round | receiver | load before / after | responses | non-2xx | socket errors | 2xx / s | p50 ms | p99 ms |"
  print "|---:|---|---|---:|---:|---:|---:|---:|---:|"
  printf "%s", rows
  print "\n| receiver | 2xx / s median (min-max) | p50 ms median (min-max) | p99 ms median (min-max) | non-2xx + errors |"
  print "|---|---:|---:|---:|---:|"
  split("anchor floor connector", names, " ")
  for (k = 1; k <= 3; k++) {
    r = names[k]
    m = median(all[r]); s = sprintf("%.0f (%.0f-%.0f)", m, lo, hi)
    m = median(p50[r]); s = s sprintf(" | %.1f (%.1f-%.1f)", m, lo, hi)
    m = median(p99[r]); s = s sprintf(" | %.1f (%.1f-%.1f)", m, lo, hi)
    printf "| %s | %s | %d |\n", r, s, bad[r]
  }
  ca = ""; cf = ""
  for (i = 1; i <= rounds; i++) {
    ca = ca sprintf(" %.4f", perround[i, "connector"] / perround[i, "anchor"])
    cf = cf sprintf(" %.4f", perround[i, "connector"] / perround[i, "floor"])
  }
  m = median(ca); printf "\nconnector / anchor (per round): %.2f (%.2f-%.2f)\n", m, lo, hi
  m = median(cf); printf "connector / floor (per round): %.2f (%.2f-%.2f)\n", m, lo, hi
  while ((getline line < serve) > 0) {
    if (line ~ /^# connector answered 201: /) answered = count(line)
    if (line ~ /^# records in /) records = count(line)
    if (line ~ /^# floor answered 201: /) floorserved = count(line)
  }
  while ((getline line < anchorlog) > 0) if (line ~ /^anchor stopped/) anchorserved = line
  printf "\n201s wrk counted, warm-up included: anchor %d, floor %d, connector %d\n", created["anchor"],
    created["floor"], created["connector"]
  printf "floor answered 201: %d; anchor: %s\n", floorserved, anchorserved
  printf "connector answered 201 (its metric): %d; records in tlsrpt.raw: %d\n", answered, records
  durable = created["connector"] <= answered && answered <= records
  printf "durable (201s wrk got <= 201s the connector sent after the ack <= records in Kafka): %s\n",
    durable ? "yes" : "NO"
  exit durable ? 0 : 1
}' "$work/results"
