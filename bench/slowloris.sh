#!/usr/bin/env bash
# A slowloris against the annotation web app on loopback (docs/web.md, "Slow and greedy clients"):
# CONNECTIONS connections from 127.0.0.2 each send a header line a second and never finish, while a
# client on 127.0.0.1 fetches /instructions REQUESTS times, each on a new connection, against the
# server with its default settings (64 threads). Prints the client's p95 latency without the attack
# (the baseline, measured in the same run just before) and with it, and their ratio. It is the
# test WebServer.SlowlorisFromOneAddressLeavesOtherClientsTheirP95 with bigger numbers.
# Usage: bench/slowloris.sh [CONNECTIONS] [REQUESTS] [REPEATS]   (default 300 1000 3)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
connections=${1:-300}
requests=${2:-1000}
repeats=${3:-3}
build=${BUILD_DIR:-build-bench-web}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DBLINDSPOT_BUILD_TESTS=ON >/dev/null
cmake --build "$build" -j"$(nproc)" --target blindspot_web_tests >/dev/null
for _ in $(seq "$repeats"); do
  BLINDSPOT_SLOWLORIS_CONNECTIONS=$connections BLINDSPOT_SLOWLORIS_REQUESTS=$requests \
    "$build/tests/web/blindspot_web_tests" \
    --gtest_filter=WebServer.SlowlorisFromOneAddressLeavesOtherClientsTheirP95 | grep '^slowloris:'
done
