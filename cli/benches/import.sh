#!/usr/bin/env bash
# Import throughput and memory: 10,000 occurrences imported into the standalone fake (another process)
# with Attio's limits (25 writes per second), the command line at its defaults.
#
#   bash cli/benches/import.sh            # release builds; PROFILE=dev for debug ones
#
# Prints: the achieved write rate over the limit (target >= 0.95), the 429s the fake answered (target 0),
# and the command line's peak memory (max RSS) importing the file, next to the same command's peak for a
# dry run of a one-event calendar (the baseline: the binary and its runtime) and the file's size.
set -euo pipefail
cd "$(dirname "$0")/../.."
profile="${PROFILE:-release}"
cargo build --locked --profile "$profile" -p attio-meetings-cli -p attio-meetings-mock >&2
dir="target/$([ "$profile" = dev ] && echo debug || echo "$profile")"
work="$(mktemp -d)"
trap 'kill "${fake_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

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
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\nBEGIN:VEVENT\r\nUID:one@example.com\r\nDTSTART:20270104T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' > "$work/one.ics"

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$dir/attio-meetings-mock" --port "$port" --token bench-token --verbose 2> "$work/fake.log" &
fake_pid=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

window=(--since 2027-01-01 --until 2027-12-31)
/usr/bin/time -f '%M' -o "$work/baseline.rss" "$dir/attio-meetings" import --dry-run "${window[@]}" "$work/one.ics" > /dev/null 2>&1
start=$(date +%s.%N)
ATTIO_API_KEY=bench-token ATTIO_BASE_URL="http://127.0.0.1:$port" \
    /usr/bin/time -f '%M' -o "$work/import.rss" "$dir/attio-meetings" import "${window[@]}" "$work/ten-thousand.ics" 2> "$work/import.err"
end=$(date +%s.%N)
grep '^summary' "$work/import.err"

python3 - "$start" "$end" "$work" <<'PY'
import sys, os
start, end, work = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
log = open(os.path.join(work, "fake.log")).read().splitlines()
posts = [l for l in log if l.startswith("POST /v2/meetings -> ")]
limited = [l for l in posts if "-> 429 " in l]
elapsed = end - start
rate = 10000 / elapsed
rss = int(open(os.path.join(work, "import.rss")).read().split()[-1])
base = int(open(os.path.join(work, "baseline.rss")).read().split()[-1])
size = os.path.getsize(os.path.join(work, "ten-thousand.ics")) / 1024
print(f"elapsed {elapsed:.1f} s, {rate:.2f} writes/s, rate/limit {rate / 25:.3f}, POSTs {len(posts)}, 429s {len(limited)}")
print(f"peak RSS {rss / 1024:.1f} MiB (baseline dry run of one event {base / 1024:.1f} MiB; file {size:.0f} KiB)")
PY
