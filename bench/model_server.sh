#!/usr/bin/env bash
# The inference-server model (docs/model-server.md) against the OIP test server on loopback,
# each against a baseline measured in the same run (bench/model_server.cpp):
#  1. texts scored per second through the server vs the same fastText model's own batched
#     predict loop over the same texts and batch size (target ratio >= 0.8), plain and inside a
#     DeepWordBug attack;
#  2. the attack's wall time against a deployment with 50 ms per request and 4 replicas vs the
#     ideal ceil(requests / min(replicas, in flight)) x 50 ms + the model's own time (target <= 1.2).
# On sst2 (short sentences: HTTP and JSON weigh most) and imdb (long reviews).
# Usage: bench/model_server.sh [REPEATS]   (default 3)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repeats=${1:-3}
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DBLINDSPOT_BUILD_BENCH=ON -DBLINDSPOT_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench -j"$(nproc)" --target blindspot blindspot_bench_model_server >/dev/null

data=../shared/data
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for dataset in sst2 imdb; do
  ./build-bench/blindspot --workspace "$work/ws" --quiet train --data "$data/$dataset" --model "$work/$dataset.bin" >/dev/null
done
# sst2: every dev row (872); imdb: 300 dev rows. Batch 64, 4 in flight, 50 ms, 4 replicas. An
# attack's last examples run their dependent requests one after another (its critical path, about
# 1 s here), which no batching hides: on 100 imdb rows that tail alone puts the deployment at 1.36x
# the ideal; on 300 rows it is 1.07x.
./build-bench/bench/blindspot_bench_model_server "$work/sst2.bin" "$data/sst2/dev.csv" 872 64 4 50 4 "$repeats"
./build-bench/bench/blindspot_bench_model_server "$work/imdb.bin" "$data/imdb/dev.csv" 300 64 4 50 4 "$repeats"
