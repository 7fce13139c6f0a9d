#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, docs/fuzzing.md) in build-fuzz with clang 14, ASan and UBSan,
# and runs each for a fixed time, two at a time (nproc), each on its kept corpus
# (build-fuzz/corpus/TARGET), its seeds (fuzz/seeds/TARGET and the tests' fixtures) and its known
# crashes (fuzz/crashes/TARGET: a fixed crash stays as a regression input). Prints per target the
# seconds, executions, executions per second, corpus size and result, then the totals. Fails if any
# target found a crash, a leak, undefined behaviour, a hang (-timeout) or an out-of-memory
# (-rss_limit_mb); the input is in build-fuzz/findings/TARGET/.
# Usage: scripts/fuzz.sh [--build-only|--no-build] [SECONDS_PER_TARGET (default 600)] [TARGET...]
# CI (scripts/sanitize.sh fuzz) runs every target for 10 s; the issue's long run is 600 s or more.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

all_targets=(data_csv data_tsv data_jsonl config prompt_template extract_json uu_file samples_file web_form
             fasttext_model)
build_dir=${BLINDSPOT_FUZZ_BUILD:-build-fuzz}
jobs=${BLINDSPOT_FUZZ_JOBS:-$(nproc)}
per_input_timeout=10
rss_limit_mb=2048

build=1 run=1
case ${1:-} in
  --build-only) run=0; shift ;;
  --no-build) build=0; shift ;;
esac
seconds=${1:-600}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
case $seconds in ''|*[!0-9]*) echo "usage: scripts/fuzz.sh [--build-only|--no-build] [SECONDS] [TARGET...]" >&2; exit 2 ;; esac
for target in "${targets[@]}"; do
  [[ " ${all_targets[*]} " == *" $target "* ]] || { echo "fuzz: unknown target $target (targets: ${all_targets[*]})" >&2; exit 2; }
done

if [ "$build" = 1 ]; then
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  # Warnings stay warnings here: clang's differ from the main build's gcc, which treats them as errors.
  cmake -S . -B "$build_dir" -DCMAKE_CXX_COMPILER=clang++-14 -DBLINDSPOT_FUZZ=ON -DBLINDSPOT_BUILD_TESTS=OFF \
    "${launcher[@]}" >/dev/null
  cmake --build "$build_dir" -j"$(nproc)" --target $(printf 'fuzz_%s ' "${targets[@]}")
fi
[ "$run" = 1 ] || exit 0

# The seeds of one target, gathered afresh into build-fuzz/seeds/TARGET: its own seeds in fuzz/seeds
# and the tests' fixtures of its format (tests/fixtures stays the one copy in git).
gather_seeds() {
  local target=$1 folder=$build_dir/seeds/$1
  rm -rf "$folder"
  mkdir -p "$folder"
  [ -d "fuzz/seeds/$target" ] && cp fuzz/seeds/"$target"/* "$folder"/
  local pattern=""
  case $target in
    data_csv) pattern='*.csv' ;;
    data_tsv) pattern='*.tsv' ;;
    data_jsonl) pattern='*.jsonl' ;;
    prompt_template) cp prompts/*.txt "$folder"/ ;;
  esac
  if [ -n "$pattern" ]; then
    # The fixtures under 4 KB (a larger seed raises libFuzzer's input length for every input).
    find tests/fixtures/valid tests/fixtures/malformed tests/fixtures/predictions -name "$pattern" -size -4k \
      -exec sh -c 'for f; do cp "$f" "$0/$(basename "$(dirname "$f")")_$(basename "$f")"; done' "$folder" {} +
  fi
}

dictionary_of() {
  case $1 in
    data_csv|data_tsv) echo fuzz/dictionaries/csv.dict ;;
    data_jsonl|uu_file|samples_file|extract_json) echo fuzz/dictionaries/json.dict ;;
    config) echo fuzz/dictionaries/toml.dict ;;
    prompt_template) echo fuzz/dictionaries/prompt.dict ;;
    web_form) echo fuzz/dictionaries/form.dict ;;
  esac
}

scratch=$(mktemp -d /dev/shm/blindspot-fuzz.XXXXXX 2>/dev/null || mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$build_dir/logs"

run_target() {
  local target=$1 dictionary
  local corpus=$build_dir/corpus/$target findings=$build_dir/findings/$target
  mkdir -p "$corpus" "$findings" "fuzz/crashes/$target"
  gather_seeds "$target"
  dictionary=$(dictionary_of "$target")
  local options=(-max_total_time="$seconds" -timeout="$per_input_timeout" -rss_limit_mb="$rss_limit_mb"
                 -print_final_stats=1 -artifact_prefix="$findings/")
  [ -n "$dictionary" ] && options+=(-dict="$dictionary")
  local start=$SECONDS status=0
  BLINDSPOT_FUZZ_TMP=$scratch/$target \
    "$build_dir/fuzz/fuzz_$target" "${options[@]}" "$corpus" "$build_dir/seeds/$target" "fuzz/crashes/$target" \
    >"$build_dir/logs/$target.log" 2>&1 || status=$?
  echo "$((SECONDS - start)) $status" >"$build_dir/logs/$target.result"
}

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
command -v llvm-symbolizer-14 >/dev/null && export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-$(command -v llvm-symbolizer-14)}

echo "fuzz: ${#targets[@]} targets, $seconds s each, $jobs at a time"
running=0
for target in "${targets[@]}"; do
  rm -f "$build_dir/logs/$target.result"
  run_target "$target" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true

stat_of() { sed -n "s/^stat::$2: *//p" "$build_dir/logs/$1.log" | tail -1; }
failed=() total_executions=0 total_seconds=0
printf '%-16s %8s %12s %9s %8s  %s\n' target seconds executions exec/s corpus result
for target in "${targets[@]}"; do
  read -r took status <"$build_dir/logs/$target.result"
  executions=$(stat_of "$target" number_of_executed_units)
  executions=${executions:-0}
  corpus_size=$(find "$build_dir/corpus/$target" -type f | wc -l)
  result=ok
  if [ "$status" != 0 ]; then
    result="FINDING (exit $status): $(grep -m1 -E '^==[0-9]+==ERROR|runtime error|^terminate called|broken promise|ERROR: libFuzzer|^SUMMARY' "$build_dir/logs/$target.log" || echo see log)"
    failed+=("$target")
  fi
  printf '%-16s %8s %12s %9s %8s  %s\n' "$target" "$took" "$executions" "$((executions / (took > 0 ? took : 1)))" \
    "$corpus_size" "$result"
  total_executions=$((total_executions + executions))
  total_seconds=$((total_seconds + took))
done
echo "fuzz: total $total_executions executions in $total_seconds target-seconds; logs in $build_dir/logs"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]}: the inputs are in $build_dir/findings/<target>/ (logs: $build_dir/logs/<target>.log)" >&2
  exit 1
fi
