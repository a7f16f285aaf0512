#!/usr/bin/env bash
# Fuzz the parsers of outside input for SECONDS each (default 60): SAML XML, PEM keys, token responses,
# API error bodies. Installs cargo-fuzz when missing. Stable toolchain, no sanitizer (`-s none`), as
# PLATFORM.md measured. Crashes land in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
for target in saml_assertion pem_key token_response api_problem; do
  echo "fuzz: $target for $secs s"
  cargo +stable fuzz run "$target" -s none -- -max_total_time="$secs" -max_len=65536 2>&1 | grep -E "^(#[0-9]+ +DONE|Done|==[0-9]+==|SUMMARY|artifact)" || true
  if ls fuzz/artifacts/"$target"/crash-* >/dev/null 2>&1; then
    echo "fuzz: $target CRASHED; see fuzz/artifacts/$target/"; exit 1
  fi
done
echo "fuzz: no crashes"
