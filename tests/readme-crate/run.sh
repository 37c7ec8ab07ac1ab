#!/bin/sh
# Builds a throw-away crate whose dependencies are exactly README.md's snippet and whose sources are the
# Rust examples of README.md and mock/README.md (see build.py): an example that names a crate the snippet
# does not list fails here, as it would in a user's crate.
set -eu
repo=$(cd "$(dirname "$0")/../.." && pwd)
crate=$(mktemp -d)
trap 'rm -rf "$crate"' EXIT
python3 "$repo/tests/readme-crate/build.py" "$repo" "$crate"
# The workspace's lock file pins what the README's crates resolve to; the build then needs no network
# beyond what `cargo fetch` brought. Shared with the other downstream crates: the dependencies build once.
cp "$repo/Cargo.lock" "$crate/Cargo.lock"
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target/downstream}" \
    cargo test --manifest-path "$crate/Cargo.toml" --no-run "$@"
