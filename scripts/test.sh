#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (packages, build) and runs every test with ctest, then the
# sanitizer builds (scripts/sanitize.sh): the fast suite (ctest -LE e2e) under ASan + UBSan and the
# threaded code under TSan, and each libFuzzer target (fuzz/) for 10 s. Extra arguments go to ctest
# (e.g. -L e2e, -LE e2e, -R Store) and skip the sanitizer builds, as does BLINDSPOT_SKIP_SANITIZERS=1;
# CI (.ci/run) runs everything.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
start=$SECONDS
./scripts/setup.sh
echo "test: setup and build took $((SECONDS - start)) s"
# setup.sh installed every tool the tests use (chromium, node, playwright-core): tests that
# skip without one fail instead under CI.
export CI="${CI:-1}"
start=$SECONDS
ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 900 "$@"
echo "test: ctest took $((SECONDS - start)) s"
if [ $# -eq 0 ] && [ "${BLINDSPOT_SKIP_SANITIZERS:-0}" != 1 ]; then
  ./scripts/sanitize.sh
fi
