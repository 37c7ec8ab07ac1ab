#!/usr/bin/env bash
# The import at Attio's limits, against the standalone fake (another process, 25 writes and 100 reads per
# second per token), the command line at its defaults:
#
#   1. 10,000 occurrences into an empty workspace: write rate over the limit (target >= 0.95), 429s
#      (target 0), peak memory (max RSS) next to a one-event dry run's (the binary and its runtime).
#   2. The same import again: writes sent (target 0), listings sent, and wall time against the floor of
#      those listings at the read limit (plus the time to read and plan the file, measured as a dry run
#      without a token, the baseline of everything that is not a request).
#   3. Two importers of the same calendar at once, sharing a Redis (`--redis`), into a fresh fake:
#      combined write rate over the limit (target >= 0.95), creates sent and meetings stored (target
#      10,000 each: no duplicate), 429s.
#
#   bash cli/benches/import.sh            # release builds; PROFILE=dev for debug ones
#
# Needs python3, /usr/bin/time and redis-server (scenario 3 is skipped, with a message, without it).
set -euo pipefail
cd "$(dirname "$0")/../.."
profile="${PROFILE:-release}"
cargo build --locked --profile "$profile" -p attio-meetings-cli -p attio-meetings-mock >&2
dir="${CARGO_TARGET_DIR:-target}/$([ "$profile" = dev ] && echo debug || echo "$profile")"
work="$(mktemp -d)"
trap 'kill ${fake_pid:-} ${redis_pid:-} 2>/dev/null || true; rm -rf "$work"' EXIT

# 2,000 one-off events and 32 daily series of 250 occurrences, in 2027 (Europe/Berlin).
{
    printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n'
    for i in $(seq 0 1999); do
        printf 'BEGIN:VEVENT\r\nUID:bench-%d@example.com\r\nSUMMARY:Call %d\r\nDTSTART;TZID=Europe/Berlin:2027%02d%02dT%02d%02d00\r\nDURATION:PT30M\r\nORGANIZER:mailto:ada@example.com\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:c%d@example.org\r\nEND:VEVENT\r\n' \
            "$i" "$i" $((1 + i / 28 % 12)) $((1 + i % 28)) $((8 + i / 336 % 10)) $((i * 7 % 60)) "$i"
    done
    for s in $(seq 0 31); do
        printf 'BEGIN:VEVENT\r\nUID:bench-series-%d@example.com\r\nSUMMARY:Stand-up %d\r\nDTSTART;TZID=Europe/Berlin:20270104T%02d%02d00\r\nDURATION:PT15M\r\nRRULE:FREQ=DAILY;COUNT=250\r\nORGANIZER:mailto:ada@example.com\r\nEND:VEVENT\r\n' \
            "$s" "$s" $((7 + s % 12)) $((s * 5 % 60))
    done
    printf 'END:VCALENDAR\r\n'
} > "$work/ten-thousand.ics"
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\nBEGIN:VEVENT\r\nUID:one@example.com\r\nDTSTART:20270104T100000Z\r\nORGANIZER:mailto:ada@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' > "$work/one.ics"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return; sleep 0.1; done; echo "nothing listens on $1" >&2; exit 1; }
now() { date +%s.%N; }
# The fake's request lines since line $2 of log $1 that match $3 (an extended regex).
count() { tail -n +"$(( $2 + 1 ))" "$1" | grep -cE -e "$3" || true; }

start_fake() {
    kill ${fake_pid:-} 2>/dev/null || true
    port="$(free_port)"
    log="$work/fake-$port.log"
    "$dir/attio-meetings-mock" --port "$port" --token bench-token --verbose 2> "$log" &
    fake_pid=$!
    wait_port "$port"
}
import() {
    ATTIO_API_KEY=bench-token ATTIO_BASE_URL="http://127.0.0.1:$port" ATTIO_MEETINGS_STATE="$work/state-$1.jsonl" \
        "$dir/attio-meetings" import "${window[@]}" "${@:2}"
}

window=(--since 2027-01-01 --until 2027-12-31)
env -u ATTIO_API_KEY /usr/bin/time -f '%M' -o "$work/baseline.rss" "$dir/attio-meetings" import --dry-run "${window[@]}" "$work/one.ics" > /dev/null 2>&1
t0=$(now); env -u ATTIO_API_KEY "$dir/attio-meetings" import --dry-run "${window[@]}" "$work/ten-thousand.ics" > /dev/null 2>&1; t1=$(now)
plan_s=$(python3 -c "print(f'{$t1 - $t0:.3f}')")

echo "== 1. 10,000 occurrences into an empty fake"
start_fake
t0=$(now)
ATTIO_API_KEY=bench-token ATTIO_BASE_URL="http://127.0.0.1:$port" ATTIO_MEETINGS_STATE="$work/state-one.jsonl" \
    /usr/bin/time -f '%M' -o "$work/import.rss" "$dir/attio-meetings" import "${window[@]}" "$work/ten-thousand.ics" 2> "$work/import.err"
t1=$(now)
grep '^summary' "$work/import.err"
posts=$(count "$log" 0 '^POST /v2/meetings -> ')
limited=$(count "$log" 0 '-> 429 ')
python3 - "$t0" "$t1" "$posts" "$limited" "$work" <<'PY'
import sys, os
t0, t1, posts, limited, work = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
elapsed = t1 - t0
rate = 10000 / elapsed
rss = int(open(os.path.join(work, "import.rss")).read().split()[-1])
base = int(open(os.path.join(work, "baseline.rss")).read().split()[-1])
size = os.path.getsize(os.path.join(work, "ten-thousand.ics")) / 1024
print(f"elapsed {elapsed:.1f} s, {rate:.2f} writes/s, rate/limit {rate / 25:.3f}, creates sent {posts}, 429s {limited}")
print(f"peak RSS {rss / 1024:.1f} MiB (baseline: dry run of one event {base / 1024:.1f} MiB; file {size:.0f} KiB)")
PY

echo "== 2. the same import again"
lines=$(wc -l < "$log")
t0=$(now)
import one "$work/ten-thousand.ics" 2> "$work/again.err"
t1=$(now)
grep '^summary' "$work/again.err"
posts=$(count "$log" "$lines" '^POST ')
gets=$(count "$log" "$lines" '^GET /v2/meetings -> ')
limited=$(count "$log" "$lines" '-> 429 ')
python3 - "$t0" "$t1" "$posts" "$gets" "$limited" "$plan_s" <<'PY'
import sys
t0, t1, posts, gets, limited, plan = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
elapsed = t1 - t0
floor = gets / 100 + plan
print(f"elapsed {elapsed:.2f} s, writes sent {posts}, listings {gets}, 429s {limited}; "
      f"floor {floor:.2f} s ({gets} listings at 100/s + {plan:.2f} s reading and planning the file), ratio {elapsed / floor:.2f}")
PY

echo "== 3. two importers at once, sharing Redis"
if ! command -v redis-server > /dev/null; then
    echo "SKIPPED: redis-server is not installed (apt-get install -y redis-server)"
    exit 0
fi
redis_port="$(free_port)"
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no > /dev/null &
redis_pid=$!
wait_port "$redis_port"
start_fake
t0=$(now)
import a "$work/ten-thousand.ics" --redis "redis://127.0.0.1:$redis_port/" 2> "$work/a.err" &
a=$!
import b "$work/ten-thousand.ics" --redis "redis://127.0.0.1:$redis_port/" 2> "$work/b.err" &
b=$!
wait $a; wait $b
t1=$(now)
grep -h '^summary' "$work/a.err" "$work/b.err"
posts=$(count "$log" 0 '^POST /v2/meetings -> ')
limited=$(count "$log" 0 '-> 429 ')
stored=$(ATTIO_API_KEY=bench-token ATTIO_BASE_URL="http://127.0.0.1:$port" "$dir/attio-meetings" meetings list --json | wc -l)
python3 - "$t0" "$t1" "$posts" "$limited" "$stored" <<'PY'
import sys
t0, t1, posts, limited, stored = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
elapsed = t1 - t0
rate = posts / elapsed
print(f"elapsed {elapsed:.1f} s, combined {rate:.2f} writes/s, rate/limit {rate / 25:.3f}, creates sent {posts}, "
      f"meetings stored {stored} (duplicates {stored - 10000}), 429s {limited}")
PY
