#!/usr/bin/python3
"""Precision and recall of `scan --label-issues` against known flipped labels (docs/label-issues.md).

    bench/label_issues.py BLINDSPOT [--datasets imdb,sst2,sms-spam,ag-news] [--share 0.05] [--seed 14]
                          [--folds 5]

For each dataset of ../shared/data: copies it to a temporary folder, moves the label of a seeded
share of dev rows to another label (chosen with the same seed), trains fastText on train with
`blindspot train`, runs `blindspot scan --split dev --label-issues` and compares the flagged UUs
with the flipped rows. Prints one table row per dataset.

precision  flagged UUs whose label was flipped / flagged UUs
recall     flagged UUs whose label was flipped / flipped dev rows (a flipped row that the model
           reads as its old label with confidence < tau is no UU and cannot be flagged)
recall@UU  flagged flipped UUs / flipped rows that are UUs
chance     flipped UUs / UUs: the precision of flagging UUs at random
"""
import argparse
import csv
import json
import pathlib
import random
import shutil
import subprocess
import sys
import tempfile
import time

SHARED = pathlib.Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def copy_with_flips(dataset, folder, share, seed):
    folder.mkdir(parents=True)
    for split in ("train.csv", "test.csv"):
        shutil.copy(SHARED / dataset / split, folder / split)
    with open(SHARED / dataset / "dev.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    labels = sorted({row["label"] for row in rows})
    rng = random.Random(seed)
    flipped = set(rng.sample(range(len(rows)), round(share * len(rows))))
    with open(folder / "dev.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["text", "label"])
        for i, row in enumerate(rows):
            label = row["label"]
            if i in flipped:
                label = rng.choice([other for other in labels if other != label])
            writer.writerow([row["text"], label])
    return flipped, len(rows)


def run(binary, workspace, *arguments):
    result = subprocess.run([binary, "--workspace", str(workspace), *arguments], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"blindspot {' '.join(arguments)} failed:\n{result.stderr}")
    return result.stdout


def measure(binary, dataset, share, seed, folds):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        data = tmp / dataset
        flipped, dev_rows = copy_with_flips(dataset, data, share, seed)
        model = tmp / "model.bin"
        run(binary, tmp / "ws", "train", "--data", str(data), "--model", str(model))
        start = time.monotonic()
        report = json.loads(run(binary, tmp / "ws", "scan", "--model", str(model), "--data", str(data), "--split",
                                "dev", "--label-issues", "--label-folds", str(folds), "--seed", str(seed), "--json",
                                "--out", str(tmp / "dev")))
        seconds = time.monotonic() - start
        uus = [json.loads(line) for line in open(tmp / "dev.uus.jsonl", encoding="utf-8")]
    flagged = [uu for uu in uus if uu["label_issue"]]
    hits = sum(uu["row"] in flipped for uu in flagged)
    flipped_uus = sum(uu["row"] in flipped for uu in uus)
    return {
        "dataset": dataset, "dev": dev_rows, "flipped": len(flipped), "accuracy": report["accuracy"],
        "uus": len(uus), "flipped_uus": flipped_uus, "flagged": len(flagged),
        "precision": hits / len(flagged) if flagged else 0.0,
        "recall": hits / len(flipped) if flipped else 0.0,
        "recall_uu": hits / flipped_uus if flipped_uus else 0.0,
        "chance": flipped_uus / len(uus) if uus else 0.0, "seconds": seconds,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binary")
    parser.add_argument("--datasets", default="imdb,sst2,sms-spam,ag-news")
    parser.add_argument("--share", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    print("| dataset | dev rows | flipped | accuracy | UUs | flipped UUs | flagged | precision | recall | "
          "recall@UU | chance | scan s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for dataset in args.datasets.split(","):
        m = measure(args.binary, dataset, args.share, args.seed, args.folds)
        print(f"| {m['dataset']} | {m['dev']} | {m['flipped']} | {m['accuracy']:.3f} | {m['uus']} | "
              f"{m['flipped_uus']} | {m['flagged']} | {m['precision']:.2f} | {m['recall']:.2f} | "
              f"{m['recall_uu']:.2f} | {m['chance']:.2f} | {m['seconds']:.0f} |", flush=True)


if __name__ == "__main__":
    main()
