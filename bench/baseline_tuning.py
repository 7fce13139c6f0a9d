#!/usr/bin/env python3
"""What does tuning on dev gain? (docs/baseline.md)

For each dataset (default sst2, imdb, davidson-hate-offensive under ../shared/data), trains fastText
with the default settings and with `train --tune` (the grid on dev macro-F1, --tuning-seconds
budget), evaluates both on dev and test (`eval --json`), and prints a markdown row per dataset:
dev accuracy and macro-F1 of each, test accuracy of each, the chosen settings, the settings tried
and the tuning's seconds.

Usage: bench/baseline_tuning.py [--blindspot build/blindspot] [--data ../shared/data]
                                [--datasets sst2,imdb,davidson-hate-offensive] [--seconds 120] [--work DIR]
"""
import argparse
import json
import os
import subprocess
import tempfile


def run_json(command):
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def evaluate(tool, model, folder, split):
    report = run_json(tool + ["--json", "eval", "--model", model, "--data", folder, "--split", split,
                              "--adversarial-sample", "0"])
    return report["accuracy"], report["macro_f1"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--blindspot", default="build/blindspot")
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--datasets", default="sst2,imdb,davidson-hate-offensive")
    parser.add_argument("--seconds", default="120")
    parser.add_argument("--work", default=None)
    args = parser.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="blindspot-tuning-")
    tool = [args.blindspot, "--workspace", work]
    print("| dataset | dev acc / macro-F1, defaults | dev acc / macro-F1, tuned | test acc, defaults | test acc, tuned "
          "| chosen (lr, epochs, word n-grams) | settings tried | tuning s |")
    print("|---|---|---|---|---|---|---|---|")
    for name in args.datasets.split(","):
        folder = os.path.join(args.data, name)
        default_model = os.path.join(work, name + "-default.bin")
        tuned_model = os.path.join(work, name + "-tuned.bin")
        run_json(tool + ["--json", "train", "--data", folder, "--model", default_model])
        tuned = run_json(tool + ["--json", "train", "--data", folder, "--model", tuned_model, "--tune",
                                 "--tuning-seconds", args.seconds])
        tuning = tuned["options"]["tuning"]
        chosen = tuning["chosen"]
        dev_default, dev_tuned = evaluate(tool, default_model, folder, "dev"), evaluate(tool, tuned_model, folder, "dev")
        test_default = evaluate(tool, default_model, folder, "test")[0]
        test_tuned = evaluate(tool, tuned_model, folder, "test")[0]
        stopped = " (budget)" if tuning["stopped_by_budget"] else ""
        print(f"| {name} | {dev_default[0]:.4f} / {dev_default[1]:.4f} | {dev_tuned[0]:.4f} / {dev_tuned[1]:.4f} "
              f"| {test_default:.4f} | {test_tuned:.4f} "
              f"| {chosen['learning_rate']}, {chosen['epochs']}, {chosen['word_ngrams']} "
              f"| {tuning['tried']} of {tuning['grid']}{stopped} | {tuning['seconds']:.0f} |", flush=True)
        for model in (default_model, tuned_model):
            os.remove(model)


if __name__ == "__main__":
    main()
