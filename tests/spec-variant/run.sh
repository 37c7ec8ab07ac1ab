#!/usr/bin/env bash
# Builds and tests this crate against tests/fixtures/spec-variant.yaml, as a user would after a spec update.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export ATTIO_MEETINGS_SPEC="$root/tests/fixtures/spec-variant.yaml"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/downstream}"
cargo test --locked --manifest-path "$here/Cargo.toml" "$@"
