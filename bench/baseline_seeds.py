#!/usr/bin/env python3
"""Do seeds vary training, and is the default baseline sound? (docs/baseline.md)

For every dataset folder with train, dev and test under DATA (default ../shared/data), trains
fastText with the default settings and seeds 0, 1, 2 (`blindspot train --seed S`), evaluates each
model on test (`blindspot eval --json`), and prints one markdown row per dataset and seed: the
model file's SHA-256 (first 12 digits), test accuracy, the majority-class rate, the train-set
accuracy (a seeded sample of at most 2,000 train rows) and the lowest recall of a class, then
whether the three seeds gave three different models.

Usage: bench/baseline_seeds.py [--blindspot build/blindspot] [--data ../shared/data] [--work DIR]
                               [--seeds 0,1,2] [--datasets imdb,sst2]
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile


def run_json(command):
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def datasets(root):
    for name in sorted(os.listdir(root)):
        folder = os.path.join(root, name)
        files = os.listdir(folder) if os.path.isdir(folder) else []
        if all(any(f == split + ext for ext in (".csv", ".tsv", ".jsonl") for f in files)
               for split in ("train", "dev", "test")):
            yield name, folder
        elif os.path.isdir(folder):
            print(f"<!-- {name}: no train/dev/test, left out -->", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--blindspot", default="build/blindspot")
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--work", default=None)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--datasets", default="", help="comma-separated folder names (default: every one)")
    args = parser.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="blindspot-seeds-")
    seeds = [int(s) for s in args.seeds.split(",")]
    tool = [args.blindspot, "--workspace", work]
    print("| dataset | seed | model sha256 | test accuracy | majority rate | train-set accuracy | lowest recall |")
    print("|---|---|---|---|---|---|---|")
    summary = []
    wanted = set(filter(None, args.datasets.split(",")))
    for name, folder in datasets(args.data):
        if wanted and name not in wanted:
            continue
        hashes = []
        for seed in seeds:
            model = os.path.join(work, f"{name}-{seed}.bin")
            run_json(tool + ["--json", "train", "--data", folder, "--seed", str(seed), "--model", model])
            hashes.append(sha256(model))
            report = run_json(tool + ["--json", "eval", "--model", model, "--data", folder, "--split", "test",
                                      "--adversarial-sample", "0"])
            check = report["baseline_check"]
            lowest = min((c for c in check["recall"] if c["support"] > 0), key=lambda c: c["recall"])
            print(f"| {name} | {seed} | `{hashes[-1][:12]}` | {check['accuracy']:.4f} | {check['majority_rate']:.4f} "
                  f"| {check['train_accuracy']:.4f} | {lowest['label']} {lowest['recall']:.4f} |", flush=True)
            os.remove(model)
        summary.append((name, len(set(hashes))))
    print()
    print("| dataset | distinct models of seeds " + args.seeds + " |")
    print("|---|---|")
    for name, distinct in summary:
        print(f"| {name} | {distinct} of {len(seeds)} |")


if __name__ == "__main__":
    main()
