"""The operations of `import blindspot`; docs/python.md describes every argument and result."""
import json
import os

from . import _native
from .errors import UsageError
from .tables import parse_json_members, records, table

Model = _native.Model

UU_COLUMNS = ["id", "kind", "row", "line", "text", "true_label", "predicted_label", "confidence",
              "probabilities", "original_text", "marked_text", "edits", "blind_spot", "label_issue",
              "label_quality"]


def _path(value):
    return None if value is None else os.fspath(value)


def _strings(values):
    return None if values is None else [str(v) for v in values]


def _data(texts, labels, data, argument="texts"):
    """(texts, labels, data) for the compiled module: a DataFrame given as `texts` is read from its
    text and label columns; a path as `texts` stands for `data`."""
    if hasattr(texts, "columns") and labels is None:
        if "text" not in texts.columns or "label" not in texts.columns:
            raise UsageError(f"{argument}: a DataFrame needs columns text and label", kind="usage", field=argument)
        texts, labels = texts["text"], texts["label"]
    elif isinstance(texts, (str, os.PathLike)) and labels is None and data is None:
        texts, data = None, texts
    elif isinstance(texts, tuple) and len(texts) == 2 and labels is None:
        texts, labels = texts
    return _strings(texts), _strings(labels), _path(data)


def open_model(spec, batch_size=64, labels=None, timeout_seconds=60.0):
    """A model blindspot opens by itself, as the CLI's --model: a model file written by `train`,
    "cmd:COMMAND" (an adapter, docs/model-protocol.md) or "http(s)://.../v2/models/NAME"."""
    return _native.open_model(os.fspath(spec), batch_size, _strings(labels) or [], float(timeout_seconds))


def wrap(predict_proba, labels=None, batch_size=64, name=None):
    """A Python model as a blindspot.Model: a callable, or an object with predict_proba, mapping a
    list of texts to one probability row per text in the order of `labels` (default: the
    object's classes_, as scikit-learn estimators have)."""
    if isinstance(predict_proba, Model):
        return predict_proba
    owner = predict_proba
    function = getattr(predict_proba, "predict_proba", predict_proba)
    if labels is None:
        labels = getattr(owner, "classes_", None)
        if labels is None:
            raise UsageError("labels are required: the label names in the order of the probabilities",
                             kind="usage", field="labels")
    if name is None:
        name = type(owner).__name__ if owner is not function else getattr(function, "__qualname__", "model")
    return _native.wrap(function, _strings(labels), int(batch_size), str(name))


def _model(model, labels=None, batch_size=64):
    if isinstance(model, Model):
        return model
    if isinstance(model, (str, os.PathLike)):
        return open_model(model, batch_size=batch_size, labels=labels)
    return wrap(model, labels=labels, batch_size=batch_size)


def train(train=None, dev=None, model_path=None, *, labels=None, seed=0, epochs=10, lr=0.5, dim=50,
          word_ngrams=2, minn=0, maxn=0, threads=1, tune=False, tuning_seconds=120.0):
    """Trains blindspot's fastText classifier (as `blindspot train`) and returns it as a Model.

    train, dev: a file, a dataset folder (its train / dev split), a DataFrame with text and label
    columns, or a pair (texts, labels). dev is only read with tune=True (the settings' search on
    dev, docs/baseline.md). model_path: where the model file is written (optional). labels: the
    allowed label names (default: the sorted labels of train). threads=1 trains deterministically.
    """
    if train is None:
        raise UsageError("train is required", kind="usage", field="train")
    texts, train_labels, data = _data(train, None, None, "train")
    dev_texts, dev_labels, dev_data = _data(dev, None, None, "dev") if dev is not None else (None, None, None)
    if tune and dev is None:
        if data is None or not os.path.isdir(data):
            raise UsageError("tune=True needs dev data: a dataset folder as train, or dev", kind="usage", field="dev")
        dev_data = data
    return _native.train(dict(
        texts=texts, labels=train_labels, data=data, dev_texts=dev_texts, dev_labels=dev_labels, dev_data=dev_data,
        label_names=_strings(labels), model_path=_path(model_path), seed=int(seed), epochs=int(epochs),
        lr=float(lr), dim=int(dim), word_ngrams=int(word_ngrams), minn=int(minn), maxn=int(maxn),
        threads=int(threads), tune=bool(tune), tuning_seconds=float(tuning_seconds)))


def scan(model, texts=None, labels=None, data=None, split="dev", threshold=0.65, *, threads=0, out=None,
         model_labels=None, batch_size=64, summary=False, pred_probs=None):
    """The natural UUs of a model on labelled data (as `blindspot scan`): the misclassified
    examples whose predicted-class probability is >= threshold, most confident first.

    Returns a table (tables.py) with the columns UU_COLUMNS; with summary=True a dict
    {"uus": table, "summary": {split, examples, errors, accuracy, threshold, uu_counts}}.
    out: a prefix; writes PREFIX.uus.jsonl and PREFIX.uus.csv as the CLI does.
    pred_probs: out-of-sample probabilities of every example (as cleanlab's, e.g. from
    sklearn's cross_val_predict(..., method="predict_proba")), one row per example in the data's
    order, columns in the model's label order. Given, confident learning flags the UUs whose
    label is probably wrong (label_issue, label_quality; docs/label-issues.md) and the summary
    counts the flagged examples ("label_issues").
    """
    native_model = _model(model, model_labels, batch_size)
    texts, labels, data = _data(texts, labels, data)
    if pred_probs is not None:
        pred_probs = [[float(p) for p in row] for row in (pred_probs.tolist() if hasattr(pred_probs, "tolist")
                                                          else pred_probs)]
    result = _native.scan(native_model, dict(texts=texts, labels=labels, data=data, split=split,
                                             threshold=float(threshold), threads=int(threads), out=_path(out),
                                             pred_probs=pred_probs))
    uus = table(result["uus"], UU_COLUMNS)
    return {"uus": uus, "summary": result["summary"]} if summary else uus


def attack(model, texts=None, labels=None, data=None, split="dev", *, recipe="deepwordbug", budget=30,
           threshold=0.65, goal="confident", seed=0, max_examples=0, threads=0, wordnet_dir=None, out=None,
           model_labels=None, batch_size=64):
    """Attacks the correctly classified examples (as `blindspot attack`) and returns
    {"summary": dict, "attacks": table (every attack, as the lines of PREFIX.attacks.jsonl),
     "uus": table (the adversarial UUs, columns UU_COLUMNS, most confident first)}."""
    native_model = _model(model, model_labels, batch_size)
    texts, labels, data = _data(texts, labels, data)
    result = _native.attack(native_model, dict(
        texts=texts, labels=labels, data=data, split=split, recipe=recipe, budget=int(budget),
        threshold=float(threshold), goal=goal, seed=int(seed), max_examples=int(max_examples), threads=int(threads),
        wordnet_dir=_path(wordnet_dir), out=_path(out)))
    return {"summary": result["summary"], "attacks": table([json.loads(line) for line in result["attacks"]]),
            "uus": table(result["uus"], UU_COLUMNS)}


def teach(uus, model, train, teacher="auto", *, max_uus=20, samples_per_hypothesis=2, extrapolate=True, seed=0,
          threshold=0.65, threads=0, import_hypotheses=None, import_samples=None, workspace="blindspot-work",
          out=None, model_labels=None, batch_size=64):
    """Has a teacher describe UUs as hypotheses and write samples for them, then filters the
    samples (as `blindspot teach`; teachers "auto" and "import"). Recorded as a run of the
    workspace. uus: a table from scan or attack (DataFrame or list of dicts), a UU file path,
    or a list mixing both. train: as train()'s (a dataset folder also gives the test split the
    leakage filter needs). Returns {"run", "teacher", "baseline", "uus", "uus_taught",
    "hypotheses": table, "samples": table, "rejections": {reason: count}, "failures": [...],
    "outputs": {the four files}}."""
    native_model = _model(model, model_labels, batch_size)
    texts, labels, data = _data(train, None, None, "train")
    uus = records(uus)
    if isinstance(uus, (str, os.PathLike)):
        uus = [os.fspath(uus)]
    uus = [os.fspath(u) if isinstance(u, os.PathLike) else u for u in uus]
    result = _native.teach(native_model, dict(
        uus=uus, texts=texts, labels=labels, data=data, teacher=teacher, max_uus=int(max_uus),
        samples_per_hypothesis=int(samples_per_hypothesis), extrapolate=bool(extrapolate), seed=int(seed),
        threshold=float(threshold), threads=int(threads), import_hypotheses=_path(import_hypotheses),
        import_samples=_path(import_samples), workspace=os.fspath(workspace), out=_path(out)))
    result["hypotheses"] = table(parse_json_members(result["hypotheses"], "details", "provenance"))
    result["samples"] = table(parse_json_members(result["samples"], "provenance"))
    return result


def run(data, teacher="auto", *, workspace="blindspot-work", seed=0, threshold=0.65, dev_attack_rows=300,
        attack_budget=30, max_uus=None, samples_per_hypothesis=2, sample_budget=None, budget_share=0.10,
        test_attack_rows=200, threads=0, rounds=1, tuning="when_short", model=None, train_command=None,
        baseline_model=None):
    """The whole loop on a dataset folder (as `blindspot run`): train, find dev UUs, group, teach,
    augment, retrain, compare on test. Resumable: a second call with the same arguments reuses
    every step. Returns the dict `blindspot run --json` prints: "before" and "after" hold the
    test metrics (accuracy, macro_f1, ece, brier, uu_counts, adversarial_uu_rate,
    reachable_errors, ...). model/train_command/baseline_model: a model spec string and its
    training command, as the CLI's --model and --train-command (docs/run.md, "Any model")."""
    if model is not None and not isinstance(model, (str, os.PathLike)):
        raise UsageError("run: model must be a spec string (\"cmd:...\" or a server URL); the loop retrains its "
                         "model, so a Python model enters it through an adapter (docs/python.md)",
                         kind="usage", field="model")
    result = _native.run(dict(
        data=os.fspath(data), teacher=teacher, workspace=os.fspath(workspace), seed=int(seed),
        threshold=float(threshold), dev_attack_rows=int(dev_attack_rows), attack_budget=int(attack_budget),
        max_uus=None if max_uus is None else int(max_uus), samples_per_hypothesis=int(samples_per_hypothesis),
        sample_budget=None if sample_budget is None else int(sample_budget), budget_share=float(budget_share),
        test_attack_rows=int(test_attack_rows), threads=int(threads), rounds=int(rounds), tuning=tuning,
        model=_path(model), train_command=train_command, baseline_model=_path(baseline_model)))
    return json.loads(result)


def experiment(config, *, workspace="blindspot-work", threads=None, out=None):
    """Runs an experiment file (TOML, docs/experiment.md; conditions without an LLM) as
    `blindspot experiment` and returns {"run", "html", "markdown", "json" (the report's files),
    "findings": [str], "report": the parsed report.json}."""
    result = _native.experiment(dict(config=os.fspath(config), workspace=os.fspath(workspace),
                                     threads=None if threads is None else int(threads), out=_path(out)))
    with open(result["json"], encoding="utf-8") as f:
        result["report"] = json.load(f)
    return result
