#!/usr/bin/env bash
# The sanitizer builds (cmake/sanitizers.cmake), run by scripts/test.sh and so by CI:
#  asan: build-asan, ASan + UBSan, every unit-test suite (target blindspot_unit_tests), then
#        `ctest -LE e2e`: the whole fast suite;
#  tsan: build-tsan, TSan, the suites of the threaded code only (core's parallel_for, the LLM
#        client's worker pool and rate limiter with the protocol test server, the web server),
#        then ctest -R on those tests.
#  fuzz: build-fuzz, the libFuzzer targets (fuzz/, docs/fuzzing.md) with clang 14, ASan and UBSan,
#        each run for 10 s, two at a time (scripts/fuzz.sh; the long run is scripts/fuzz.sh 600).
# Any report fails the run: UBSan does not recover (-fno-sanitize-recover=all) and every
# sanitizer halts on its first error. Each phase prints its wall time (figures in bench/README.md).
# Both gcc builds are unity builds (cmake/unity_build.cmake): sources compiled in batches of eight.
# Usage: scripts/sanitize.sh [asan|tsan|fuzz]...   (default: asan tsan fuzz). Builds with nproc jobs; set
# CMAKE_CXX_COMPILER_LAUNCHER=ccache in the environment to cache the objects between runs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

jobs=$(nproc)
# Also in force while building: gtest_discover_tests runs each suite to list its tests.
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/scripts/tsan.supp"
export CI="${CI:-1}"

# The tests TSan runs (ctest -R): parallel_for, the LLM client (retries, rate limits, in-flight
# bound, complete_all's workers) and its protocol test server, the rate limiter, the web server,
# the child processes of adapters (stderr thread), the batch queue of command and server models,
# the adapter model (a writer and a reader thread on its pipes), the inference-server model, and the
# LLM client's circuit breaker (threads asleep in a retry wake when it opens).
tsan_tests='^(ParallelFor|ChatClient[A-Za-z]*|CircuitBreaker|ChatRateLimiter|ProtocolServer|WebServer|Subprocess|BatchQueue|CommandModel[A-Za-z]*|ServerClassifier[A-Za-z]*)\.'
tsan_targets=(blindspot_core_tests blindspot_llm_tests blindspot_web_tests blindspot_model_tests
              blindspot_model_server_tests)
# Left out of both sanitizer runs (they run in the main suite), with no sanitizer report:
# - ChatClientResume.KilledProcessLosesOnlyCallsInFlight forks the test process while the protocol
#   server's threads run, and the child then runs threads, HTTP and SQLite, which POSIX does not
#   promise to work after fork in a multi-threaded process: under gcc 12's ASan and TSan the child
#   hung (0 replies stored in 10 s) in 1 of 2 ASan runs and in the TSan run;
# - under TSan, the tests with wall-time windows on request arrivals: ChatClientRetry.RetryAfter
#   HoldsBackTheOtherCallsToo (before 0.2 s or after 1 s) and ChatClientRateLimit.* (the first
#   connection takes ~0.3 s under TSan, so the next requests find their slots passed), and
#   ChatClientRetry.RateLimitWaitsForRetryAfter (under 1.5 s: 1.54 s in a TSan run beside the
#   adapter tests' python children).
asan_excluded='^ChatClientResume\.KilledProcessLosesOnlyCallsInFlight$'
tsan_excluded='^(ChatClientResume\.KilledProcessLosesOnlyCallsInFlight|ChatClientRetry\.(RetryAfterHoldsBackTheOtherCallsToo|RateLimitWaitsForRetryAfter)|ChatClientRateLimit\..*)$'

# CPU seconds (user + sys) of this shell's finished children, from the `times` builtin, which must
# run in this shell (a $(...) subshell has children of its own).
times_file=$(mktemp)
trap 'rm -f "$times_file"' EXIT
children_cpu() { tail -1 "$times_file" | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }'; }

phase() {
  local name=$1 start=$SECONDS before after
  shift
  times >"$times_file"
  before=$(children_cpu)
  "$@"
  times >"$times_file"
  after=$(children_cpu)
  echo "sanitize: $name took $((SECONDS - start)) s wall, $(awk -v a="$before" -v b="$after" 'BEGIN { printf "%.0f", b - a }') s CPU (user+sys)"
}

build() {
  local dir=$1 sanitizers=$2
  shift 2
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DBLINDSPOT_SANITIZE="$sanitizers" -DBLINDSPOT_PRECOMPILED_HEADERS=ON \
    -DBLINDSPOT_UNITY_BUILD=ON >/dev/null
  cmake --build "$dir" -j"$jobs" --target "$@"
}

asan() {
  phase "asan build" build build-asan address,undefined blindspot_unit_tests
  phase "asan tests" ctest --test-dir build-asan -LE e2e -E "$asan_excluded" --output-on-failure -j"$jobs" --timeout 900
}

# Seconds each fuzz target runs in CI: ten targets, two at a time, so about 50 s in all.
ci_fuzz_seconds=10

fuzz() {
  phase "fuzz build" ./scripts/fuzz.sh --build-only
  phase "fuzz run" ./scripts/fuzz.sh --no-build "$ci_fuzz_seconds"
}

tsan() {
  phase "tsan build" build build-tsan thread "${tsan_targets[@]}"
  phase "tsan tests" ctest --test-dir build-tsan -R "$tsan_tests" -E "$tsan_excluded" --output-on-failure -j"$jobs" --timeout 900
}

[ $# -gt 0 ] || set -- asan tsan fuzz
for what in "$@"; do
  case $what in
    asan) asan ;;
    tsan) tsan ;;
    fuzz) fuzz ;;
    *) echo "usage: scripts/sanitize.sh [asan|tsan|fuzz]..." >&2; exit 2 ;;
  esac
done
