#!/usr/bin/env bash
# The experiment tables of docs/experiment.md: for each dataset and budget (a share of train), the
# conditions none, untargeted, adversarial_training and auto over seeds 0, 1, 2, with the statistics
# of docs/statistics.md. Prints one markdown table (bench/experiment_table.py) and leaves every
# report under WORK/experiments/.
#
# Usage: bench/experiments.sh [WORK] [DATASETS...]
#   WORK      workspace (default: blindspot-work-experiments); loops are reused by a rerun
#   DATASETS  folders (default: ../shared/data/{imdb,sst2,davidson-hate-offensive})
# Environment: SHARES="0.03 0.10" (budgets as shares of train), EXTRA_KEYS (TOML lines added to every file).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=${1:-blindspot-work-experiments}
shift || true
datasets=("$@")
if [ ${#datasets[@]} -eq 0 ]; then
  datasets=(../shared/data/imdb ../shared/data/sst2 ../shared/data/davidson-hate-offensive)
fi
shares=${SHARES:-"0.03 0.10"}
blindspot=(./build/blindspot --workspace "$work")
mkdir -p "$work/configs"
reports=()
for data in "${datasets[@]}"; do
  data=$(cd "$data" && pwd)
  name=$(basename "$data")
  train_rows=$(($(wc -l < "$data/train.csv") - 1))
  for share in $shares; do
    budget=$(python3 -c "print(max(1, round($train_rows * $share)))")
    config="$work/configs/$name-$budget.toml"
    {
      echo "name = \"$name-$budget\""
      echo "data = \"$data\""
      echo 'seeds = [0, 1, 2]'
      echo 'conditions = ["none", "untargeted", "adversarial_training", "auto"]'
      echo "sample_budget = $budget"
      echo 'attribution = 0'
      printf '%s\n' "${EXTRA_KEYS:-}"
    } > "$config"
    start=$(date +%s)
    "${blindspot[@]}" experiment "$config" >&2
    echo "$name, budget $budget ($share of $train_rows train rows): $(($(date +%s) - start)) s" >&2
    reports+=("$work/experiments/$name-$budget/report.json")
  done
done
python3 bench/experiment_table.py "${reports[@]}"
