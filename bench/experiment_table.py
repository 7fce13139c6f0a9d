#!/usr/bin/env python3
"""One markdown table from experiment reports (report.json, docs/report.md), for docs/experiment.md.

Per report and condition: accuracy, natural UUs at the loop's threshold, adversarial UUs, the
adversarial UU rate and the reachable confident errors (mean over seeds), each condition's change
against none with its 95% interval (docs/statistics.md), the samples added per seed and the verdict
of the effect rule as the report's findings state it.

Usage: bench/experiment_table.py REPORT.json...
"""
import json
import math
import sys


def metric(condition, prefix):
    for m in condition["metrics"]:
        if m["name"] == prefix or m["name"].startswith(prefix):
            return m
    return None


def cell(m, decimals, scale=1.0):
    if m is None or m["mean"] is None:
        return "-"
    text = f"{scale * m['mean']:.{decimals}f}"
    effect = m.get("effect_vs_none")
    if effect and effect.get("estimate") is not None:
        low, high = effect.get("ci_low"), effect.get("ci_high")
        interval = ""
        if low is not None and high is not None and not math.isnan(low):
            interval = f" [{scale * low:+.{decimals}f}, {scale * high:+.{decimals}f}]"
        text += f" ({scale * effect['estimate']:+.{decimals}f}{interval})"
    return text


def verdict(report, name):
    """The effect rule's verdict on `name`, as the report's findings state it."""
    for line in report.get("findings", []):
        if line.startswith(name + " reduces blind spots"):
            return "**reduces blind spots**"
        if line.startswith(name + ":"):
            head = line.split("(", 1)[0]
            if "ROSE" in line.split(";", 1)[0] or "rose:" in line:
                return "no reduction; errors or UUs rose"
            if "no measurable reduction" in head:
                return "no measurable reduction"
            return head.split(":", 1)[1].strip()
    return ""


def main(paths):
    print("| dataset, budget | condition | accuracy | natural UUs (0.65) | adversarial UUs | adv. UU rate "
          "| reachable errors | samples/seed | verdict |")
    print("|---|---|---|---|---|---|---|---|---|")
    for path in paths:
        with open(path) as f:
            report = json.load(f)
        seeds = len(report["seeds"])
        title = report["title"].replace("blindspot experiment: ", "")
        for condition in report["conditions"]:
            name = condition["name"]
            samples = condition["cost"]["accepted_samples"] / seeds
            print(f"| {title} | {name} | {cell(metric(condition, 'accuracy'), 4)} "
                  f"| {cell(metric(condition, 'uus@0.65'), 1)} | {cell(metric(condition, 'adversarial_uus'), 1)} "
                  f"| {cell(metric(condition, 'adversarial_uu_rate'), 3)} "
                  f"| {cell(metric(condition, 'reachable_uus'), 1)} | {samples:.0f} "
                  f"| {'' if name == 'none' else verdict(report, name)} |")


if __name__ == "__main__":
    main(sys.argv[1:])
