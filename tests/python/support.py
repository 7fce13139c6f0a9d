"""What the Python module's tests share: paths, small slices of the shared data, a scikit-learn
model trained by the example adapter."""
import csv
import os
import pickle
import subprocess
import sys
import tempfile
import threading

SOURCE_DIR = os.environ.get("BLINDSPOT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
SHARED_DATA = os.environ.get("BLINDSPOT_SHARED_DATA_DIR", os.path.join(SOURCE_DIR, "..", "shared", "data"))
PYTHON = os.environ.get("BLINDSPOT_PYTHON", sys.executable)
ADAPTER = os.path.join(SOURCE_DIR, "examples", "adapters", "sklearn_adapter.py")


def read_rows(dataset, split, rows):
    """The first `rows` (text, label) records of a shared dataset's split."""
    with open(os.path.join(SHARED_DATA, dataset, split + ".csv"), newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        out = []
        for row in reader:
            if len(out) == rows:
                break
            out.append((row["text"], row["label"]))
    return [t for t, _ in out], [l for _, l in out]


def write_csv(path, texts, labels):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["text", "label"])
        writer.writerows(zip(texts, labels))


def small_dataset(folder, dataset="sst2", train=1500, dev=200, test=200):
    """A dataset folder with the first rows of each split of a shared dataset."""
    os.makedirs(folder, exist_ok=True)
    for split, rows in (("train", train), ("dev", dev), ("test", test)):
        write_csv(os.path.join(folder, split + ".csv"), *read_rows(dataset, split, rows))
    return folder


def train_sklearn(folder, train_rows=3000, seed=7):
    """The example adapter's TF-IDF + logistic regression trained on sst2's first rows: the model
    file and the pipeline loaded from it (the same object the adapter serves)."""
    train_file = os.path.join(folder, "train.csv")
    write_csv(train_file, *read_rows("sst2", "train", train_rows))
    model_file = os.path.join(folder, "model.pkl")
    subprocess.run([PYTHON, ADAPTER, "train", "--train", train_file, "--out", model_file, "--seed", str(seed)],
                   check=True, capture_output=True)
    with open(model_file, "rb") as f:
        model = pickle.load(f)
    return model_file, model["pipeline"]


def adapter_spec(model_file):
    return f"cmd:{PYTHON} {ADAPTER} serve {model_file}"


class TempDir:
    def __enter__(self):
        self._dir = tempfile.TemporaryDirectory(prefix="blindspot-python-")
        return self._dir.name

    def __exit__(self, *exc):
        self._dir.cleanup()


def column(table, name):
    """A column of a table (tables.py): a DataFrame's or a list of dicts'."""
    if hasattr(table, "columns"):
        return list(table[name])
    return [row[name] for row in table]


class Counter(threading.Thread):
    """Counts as fast as the GIL lets it, until `running` is set False."""

    def __init__(self):
        super().__init__(daemon=True)
        self.count = 0
        self.running = True

    def run(self):
        while self.running:
            self.count += 1
