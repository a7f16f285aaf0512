#!/usr/bin/env bash
# Fuzz the parsers of outside input for SECONDS each (default 60): JWTs and JWKS (the inspector's decoding,
# and a JWKS's keys verifying real tokens), SAML (the assertion reader and the inspector's verifier), PEM
# keys, token responses, API error bodies, Postman environments (import), config.json (loading).
# ./test passes 13 s: nine targets in about the two minutes six took at 20 s each. (Keyward writes .env
# files but parses none: there is no .env parser to fuzz.)
# Installs cargo-fuzz when missing. Stable toolchain, no sanitizer (`-s none`), as PLATFORM.md measured.
# KEYWARD_FUZZ_BUILD=release (the default: the most inputs per second, for a long run) or dev (what ./test
# uses: a dev build of the targets, debug assertions and overflow checks on, in under half the build time of
# the release one, which took most of ./test's fuzz step on a fresh clone; it runs fewer inputs per second,
# enough for a bounded smoke run that replays the seeds and mutates them).
# Each target starts from its committed seeds (fuzz/seeds/TARGET, read only) and its local corpus
# (fuzz/corpus/TARGET, grown by runs, not committed). Crashes land in fuzz/artifacts/TARGET/.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
case ${KEYWARD_FUZZ_BUILD:-release} in
  release) build=() ;;
  dev) build=(-D) ;;
  *) echo "fuzz: KEYWARD_FUZZ_BUILD is release or dev" >&2; exit 2 ;;
esac
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
targets=(jwt_inspect jwks_verify saml_inspect saml_assertion pem_key token_response api_problem postman_import
  config_load)
# Build them all first, so that each target's time is spent fuzzing.
cargo +stable fuzz build "${build[@]}" -s none >/dev/null 2>&1 || cargo +stable fuzz build "${build[@]}" -s none
for target in "${targets[@]}"; do
  echo "fuzz: $target for $secs s"
  mkdir -p fuzz/corpus/"$target"
  cargo +stable fuzz run "$target" "${build[@]}" -s none fuzz/corpus/"$target" fuzz/seeds/"$target" -- \
    -max_total_time="$secs" -max_len=65536 2>&1 | grep -E "^(#[0-9]+ +DONE|Done|==[0-9]+==|SUMMARY|artifact)" || true
  if ls fuzz/artifacts/"$target"/crash-* >/dev/null 2>&1; then
    echo "fuzz: $target CRASHED; see fuzz/artifacts/$target/"; exit 1
  fi
done
echo "fuzz: ${#targets[@]} targets, no crashes"
