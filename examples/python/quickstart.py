"""blindspot in a notebook: wrap a scikit-learn model, find its confident errors (UUs), let the
automatic teacher write samples for them, and run the whole loop. Each block is a notebook cell.

    /usr/bin/python3 examples/python/quickstart.py     # Debian: python3-sklearn, python3-pandas

Data: the shared sst2 copy (BLINDSPOT_SHARED_DATA_DIR, default ../shared/data beside the checkout).
"""
import os

import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

import blindspot

here = os.path.dirname(os.path.abspath(__file__))
shared = os.environ.get("BLINDSPOT_SHARED_DATA_DIR", os.path.join(here, "..", "..", "..", "shared", "data"))
train = pd.read_csv(os.path.join(shared, "sst2", "train.csv")).head(3000)  # a slice: seconds, not minutes
dev = pd.read_csv(os.path.join(shared, "sst2", "dev.csv")).head(400)

# %% Any model with predict_proba will do; blindspot takes its labels from classes_.
pipeline = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), LogisticRegression(max_iter=1000))
pipeline.fit(train.text, train.label)

# %% Its UUs on dev: misclassified with confidence >= 0.7, most confident first (a DataFrame).
uus = blindspot.scan(pipeline, dev.text, dev.label, threshold=0.7)
print(f"{len(uus)} UUs on {len(dev)} dev sentences; the most confident UUs:")
print(uus[["confidence", "true_label", "predicted_label", "text"]].head(5).to_string(index=False))

# %% Adversarial UUs: a few character edits that make it confidently wrong.
attacks = blindspot.attack(pipeline, dev.text, dev.label, max_examples=30, seed=0)
print("attack:", {k: attacks["summary"][k] for k in ("attacked", "succeeded", "mean_queries")})
print(attacks["uus"][["marked_text", "predicted_label", "confidence"]].head(3).to_string(index=False))

# %% The automatic (no-LLM) teacher turns UUs into hypotheses and labelled samples; retrain with them.
taught = blindspot.teach(pd.concat([uus, attacks["uus"]]), pipeline, train, teacher="auto", max_uus=10)
samples = taught["samples"][taught["samples"].accepted]
print(f"{len(taught['hypotheses'])} hypotheses, {len(samples)} samples accepted; e.g. {taught['hypotheses'].text[0]!r}")
retrained = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), LogisticRegression(max_iter=1000))
retrained.fit(pd.concat([train.text, samples.text]), pd.concat([train.label, samples.label]))
# The samples were written for these very dev UUs, so this count is not held out: `run` below
# measures on test and on dev UUs held out of teaching.
print(f"UUs on the dev rows it was taught from: {len(uus)} before, "
      f"{len(blindspot.scan(retrained, dev.text, dev.label, threshold=0.7))} after (not a held-out measure)")

# %% The whole loop on a dataset folder (train/dev/test CSVs) with blindspot's own fastText model.
folder = "sst2-small"
os.makedirs(folder, exist_ok=True)
for split, rows in (("train", 3000), ("dev", 400), ("test", 400)):
    pd.read_csv(os.path.join(shared, "sst2", f"{split}.csv")).head(rows).to_csv(os.path.join(folder, f"{split}.csv"),
                                                                                index=False)
result = blindspot.run(data=folder, teacher="auto", dev_attack_rows=50, test_attack_rows=50)
print(f"accuracy before {result['before']['accuracy']:.4f}, after {result['after']['accuracy']:.4f}; "
      f"confident errors an attacker can reach: {result['before']['reachable_errors']} -> "
      f"{result['after']['reachable_errors']}")
