#!/usr/bin/env bash
# The adapter command (docs/model-protocol.md) against the model it serves, measured in the same run:
# texts scored per second by the deepwordbug attack on sst2 dev through
# 'cmd:python3 examples/adapters/sklearn_adapter.py serve MODEL', against the same scikit-learn
# pipeline's own predict_proba loop in Python over the same texts in batches of the same size.
# Prints the ratio (target >= 0.8: the protocol, the batching and the attack cost little beside
# inference). Usage: bench/model_adapter.sh [EXAMPLES=100] [BATCH=64] [BUILD_DIR=build-bench]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
examples=${1:-100}
batch=${2:-64}
build=${3:-build-bench}
# Debian's python3 has scikit-learn (scripts/setup.sh); a pyenv or venv python3 on PATH may not.
python=/usr/bin/python3
[ -x "$python" ] || python=python3
if [ ! -x "$build/bench/blindspot_bench_model_adapter" ]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DBLINDSPOT_BUILD_BENCH=ON >/dev/null
  cmake --build "$build" --target blindspot_bench_model_adapter -j"$(nproc)" >/dev/null
fi
data=../shared/data/sst2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$python" examples/adapters/sklearn_adapter.py train --train "$data/train.csv" --out "$work/model.pkl" --seed 1 2>/dev/null
"$build/bench/blindspot_bench_model_adapter" \
  "cmd:$python examples/adapters/sklearn_adapter.py serve $work/model.pkl" "$data/dev.csv" "$work/texts.jsonl" \
  "$examples" "$batch" 3 | tee "$work/adapter.txt" | grep -v "_per_second="

"$python" - "$work/model.pkl" "$work/texts.jsonl" "$batch" "$work/adapter.txt" <<'PY'
import json, pickle, re, sys, time
model = pickle.load(open(sys.argv[1], "rb"))["pipeline"]
texts = [json.loads(line) for line in open(sys.argv[2])]
batch = int(sys.argv[3])
best = None
for _ in range(5):
    start = time.perf_counter()
    for i in range(0, len(texts), batch):
        model.predict_proba(texts[i:i + batch]).tolist()
    seconds = time.perf_counter() - start
    best = seconds if best is None else min(best, seconds)
python_rate = len(texts) / best
report = open(sys.argv[4]).read()
adapter_rate = float(re.search(r"attack_texts_per_second=([0-9.]+)", report).group(1))
batch_rate = float(re.search(r"batch_texts_per_second=([0-9.]+)", report).group(1))
print(f"scikit-learn predict_proba in Python, batches of {batch}: {len(texts)} texts in {best:.2f} s = {python_rate:.0f} texts/s")
print(f"ratio predict_batch through the adapter / predict_proba loop: {batch_rate / python_rate:.3f} (the protocol's cost)")
print(f"ratio attack through the adapter / predict_proba loop: {adapter_rate / python_rate:.3f} (target >= 0.8)")
PY
