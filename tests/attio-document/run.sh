#!/bin/sh
# Builds attio-meetings from Attio's whole published OpenAPI document and runs it against the fake.
# The document ships beside this repository only (../shared/reference/attio-openapi.yaml from the
# repository root); without it there is nothing to check, and the script says so and succeeds.
set -eu
repo=$(cd "$(dirname "$0")/../.." && pwd)
document="$repo/../shared/reference/attio-openapi.yaml"
if [ ! -f "$document" ]; then
    echo "SKIPPED: $document is absent (Attio's published document ships beside this repository only)"
    exit 0
fi
document=$(cd "$(dirname "$document")" && pwd)/$(basename "$document")
cd "$repo"
# Shared with tests/spec-variant/run.sh: the dependencies build once.
ATTIO_MEETINGS_SPEC="$document" CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target/downstream}" \
    cargo test --locked --manifest-path tests/attio-document/Cargo.toml "$@"
