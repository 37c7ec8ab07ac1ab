#!/usr/bin/env bash
# Build-time costs of the crate on this machine: `bash benches/build.sh`.
# Uses its own target directory (so the project's target/ stays warm) and prints one line per measure.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${BUILD_BENCH_TARGET:-$(mktemp -d /tmp/attio-meetings-build.XXXXXX)}"
export CARGO_TARGET_DIR="$target"
# Wall time of a command in seconds, with millisecond precision (plain bash, no bc on fresh machines).
seconds() {
  local start end ms
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  printf '%d.%03d' $((ms / 1000)) $((ms % 1000))
}

cargo fetch --locked >/dev/null 2>&1
clean=$(seconds cargo build --locked -p attio-meetings)
noop=$(seconds cargo build --locked -p attio-meetings)
# The build script must not rerun on a no-op build.
if cargo build --locked -p attio-meetings -vv 2>&1 | grep -q 'Running `.*build-script-build`'; then
  rerun="yes (regression)"
else
  rerun="no"
fi
touch spec/attio-meetings.yaml
touched=$(seconds cargo build --locked -p attio-meetings)
script=$(ls -t "$target"/debug/build/attio-meetings-*/build-script-build | head -n 1)
out=$(mktemp -d)
codegen=$(seconds env OUT_DIR="$out" CARGO_MANIFEST_DIR="$PWD" "$script")
lines=$(wc -l < "$out/attio_meetings.rs")

printf 'clean build (debug, deps included): %6.1f s\n' "$clean"
printf 'no-op rebuild:                      %6.2f s  (build script reran: %s)\n' "$noop" "$rerun"
printf 'rebuild after touching the spec:    %6.2f s\n' "$touched"
printf 'codegen step alone (build script):  %6.2f s\n' "$codegen"
printf 'generated source:                   %6d lines\n' "$lines"
rm -rf "$out"
[ -n "${BUILD_BENCH_TARGET:-}" ] || rm -rf "$target"
