"""The blindspot model protocol, version 1 (docs/model-protocol.md), for adapters written in Python.

An adapter serves a trained model to blindspot over its stdin and stdout, one JSON object per line:

    import blindspot_adapter
    blindspot_adapter.serve(model.predict_proba, labels=["negative", "positive"], name="my-model")

`serve` writes the handshake, answers every request with the probabilities of its texts (or with
an "error" if predict_proba raises or returns a non-finite number) and returns at the end of its
input, when blindspot is done. While it runs, print() goes to stderr: stdout carries only protocol
lines. The module also holds the CSV helpers the example adapters share (reading a data file,
writing a predictions file for `--predictions`, writing files atomically).
"""
import csv
import json
import math
import os
import sys
import tempfile
import traceback

PROTOCOL = "blindspot-model"
VERSION = 1


def serve(predict_proba, labels, name, model_version=None, description=None, stdin=None, stdout=None):
    """Speaks the protocol until the end of `stdin`.

    predict_proba(texts) -> one sequence of probabilities per text, in the order of `labels`.
    """
    stdin = stdin if stdin is not None else sys.stdin
    out = stdout if stdout is not None else sys.stdout
    saved_stdout, sys.stdout = sys.stdout, sys.stderr  # a stray print() must not break the protocol
    try:
        handshake = {"protocol": PROTOCOL, "version": VERSION, "name": name, "labels": list(labels)}
        if model_version:
            handshake["model_version"] = model_version
        if description:
            handshake["description"] = description
        _write(out, handshake)
        for line in stdin:
            if line.strip():
                request = json.loads(line)
                _write(out, _answer(predict_proba, request, len(handshake["labels"])))
    finally:
        sys.stdout = saved_stdout
    return 0


def _answer(predict_proba, request, label_count):
    try:
        rows = [[float(p) for p in row] for row in predict_proba(request["texts"])]
        if not all(math.isfinite(p) for row in rows for p in row):
            raise ValueError("the model returned a probability that is not a finite number")
        return {"id": request["id"], "probabilities": rows}
    except Exception as error:  # the adapter lives on; blindspot reports the error and stops it
        traceback.print_exc(file=sys.stderr)
        return {"id": request["id"], "error": f"{type(error).__name__}: {error}"}


def _write(out, message):
    out.write(json.dumps(message, ensure_ascii=False, allow_nan=False) + "\n")
    out.flush()


def read_csv(path, text_column="text", label_column=None):
    """The texts of a CSV file with a header (and their labels if `label_column` is given)."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        for column in filter(None, (text_column, label_column)):
            if column not in (reader.fieldnames or []):
                sys.exit(f"{path}: no column {column!r} (columns: {', '.join(reader.fieldnames or [])})")
        rows = list(reader)
    texts = [row[text_column] for row in rows]
    return (texts, [row[label_column] for row in rows]) if label_column else texts


def write_atomically(path, write):
    """Calls write(file) on a temporary binary file beside `path`, then renames it to `path`."""
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=os.path.basename(path))
    try:
        with os.fdopen(handle, "wb") as f:
            write(f)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def write_predictions(path, labels, probabilities):
    """A predictions file for `--predictions`: id (the 0-based row of the data file), then one
    probability column per label, written at full precision (repr)."""
    def write(f):
        text = open(f.fileno(), "w", newline="", encoding="utf-8", closefd=False)
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(["id", *labels])
        for row_id, row in enumerate(probabilities):
            writer.writerow([row_id, *(repr(float(p)) for p in row)])
        text.flush()
    write_atomically(path, write)
