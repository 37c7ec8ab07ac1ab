"""Writes a throw-away user crate from the README: its `[dependencies]` are exactly the README's TOML
snippet (with the workspace's crates patched to their paths), its sources the Rust examples of README.md
and mock/README.md, each in a module of its own. Blocks marked `ignore` are fragments and are left out.
An example that uses the fake (a dev-dependency) is compiled as an integration test, the others in the
library. Usage: build.py REPO_ROOT OUT_DIR."""

import pathlib
import re
import sys

repo, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
readme = (repo / "README.md").read_text()


def blocks(text):
    """(info string, body) of every fenced block."""
    return re.findall(r"^```([^\n]*)\n(.*?)^```", text, flags=re.S | re.M)


tomls = [body for info, body in blocks(readme) if info.strip() == "toml"]
if len(tomls) != 1:
    sys.exit(f"README.md: expected one toml block (the dependencies), found {len(tomls)}")
rust = []
for name in ("README.md", "mock/README.md"):
    for info, body in blocks((repo / name).read_text()):
        tags = [t.strip() for t in info.split(",")]
        if tags[0] == "rust" and "ignore" not in tags:
            rust.append((name, body))
if not rust:
    sys.exit("no Rust examples found")

manifest = f"""[package]
name = "readme-user"
version = "0.0.0"
edition = "2024"
publish = false

[workspace]

{tomls[0]}
[patch.crates-io]
attio-meetings = {{ path = "{repo}" }}
attio-meetings-mock = {{ path = "{repo / 'mock'}" }}
attio-meetings-codegen = {{ path = "{repo / 'codegen'}" }}
"""
(out / "src").mkdir(parents=True, exist_ok=True)
(out / "tests").mkdir(parents=True, exist_ok=True)
(out / "Cargo.toml").write_text(manifest)
library, tests = [], []
for i, (name, body) in enumerate(rust):
    module = f"// {name}, example {i + 1}\n#[allow(dead_code, unused_imports)]\nmod example_{i + 1} {{\n{body}}}\n"
    (tests if "attio_meetings_mock" in body else library).append(module)
(out / "src" / "lib.rs").write_text("//! The README's examples.\n" + "\n".join(library))
(out / "tests" / "examples.rs").write_text("//! The README's examples that use the fake.\n" + "\n".join(tests))
print(f"{len(library)} examples in the library, {len(tests)} in tests/examples.rs")
