#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: set up and build, then on a real dataset
# (default ../shared/data/imdb): train the classifier on train, scan dev and test for
# confident misclassifications (UUs), and print the test metrics table; then the whole
# mitigation loop (`blindspot run`: UUs on dev, blind spots, teacher, augment, retrain) with the
# automatic teacher, or the LLM teacher when an endpoint is configured (OPENAI_BASE_URL, ...),
# and its before/after table on test. A rerun resumes the loop where it stopped.
# Usage: scripts/main.sh [DATASET_FOLDER] [WORKSPACE]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./scripts/setup.sh

data=${1:-../shared/data/imdb}
workspace=${2:-blindspot-work}
name=$(basename "$(cd "$data" && pwd)")
model="$workspace/models/$name.bin"
blindspot=(./build/blindspot --workspace "$workspace")

"${blindspot[@]}" train --data "$data" --model "$model"
"${blindspot[@]}" scan --model "$model" --data "$data" --split dev
"${blindspot[@]}" scan --model "$model" --data "$data" --split test
"${blindspot[@]}" eval --model "$model" --data "$data" --split test --out "$workspace/eval-$name-test.json"
"${blindspot[@]}" run --data "$data"
