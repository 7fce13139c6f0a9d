"""The operations of `import blindspot`; docs/python.md describes every argument and result."""
import difflib
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


def _flag_value(text):
    if text.lower() in ("1", "true", "yes", "on"):
        return True
    if text.lower() in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(text)


# The keys of the `llm` argument of teach, run and experiment: the CLI flag each mirrors (its
# BLINDSPOT_<FLAG> variable is the default, as for the CLI) and the type.
LLM_KEYS = {
    "base_url": ("base-url", str), "model": ("llm-model", str), "api_key_env": ("api-key-env", str),
    "ca_file": ("ca-file", os.fspath), "timeout": ("timeout", float), "max_retries": ("max-retries", int),
    "max_in_flight": ("max-in-flight", int), "rpm": ("rpm", float), "tpm": ("tpm", float),
    "max_usd": ("max-usd", float), "prices": ("prices", os.fspath), "temperature": ("temperature", float),
    "max_tokens": ("max-tokens", int), "prompts": ("prompts", os.fspath),
    "task_description": ("task-description", str), "length_hint": ("length-hint", str),
    "verify_labels": ("verify-labels", _flag_value),
}


def _llm(llm):
    """The `llm` argument checked and completed from the BLINDSPOT_* variables the CLI reads
    (OPENAI_BASE_URL and the key's variable are read by the library, after these)."""
    if llm is None:
        llm = {}
    if not isinstance(llm, dict):
        raise UsageError("llm must be a dict of LLM settings, e.g. {\"base_url\": URL, \"model\": NAME}",
                         kind="usage", field="llm")
    out = {}
    for key, value in llm.items():
        if key == "api_key":
            raise UsageError("llm: the API key is never an argument (it would end up in notebooks and logs): put it "
                             "in an environment variable and name that with \"api_key_env\" (default OPENAI_API_KEY)",
                             kind="usage", field="llm")
        if key not in LLM_KEYS:
            close = difflib.get_close_matches(str(key), LLM_KEYS, n=1)
            hint = f"; did you mean \"{close[0]}\"?" if close else f" (known: {', '.join(LLM_KEYS)})"
            raise UsageError(f"llm: unknown setting \"{key}\"{hint}", kind="usage", field="llm")
        flag, kind = LLM_KEYS[key]
        if value is not None:
            try:
                out[key] = value if kind is _flag_value and isinstance(value, bool) else kind(value)
            except (TypeError, ValueError):
                raise UsageError(f"llm: \"{key}\" must be {kind.__name__}, got {value!r}", kind="usage",
                                 field="llm") from None
    for key, (flag, kind) in LLM_KEYS.items():
        variable = "BLINDSPOT_" + flag.upper().replace("-", "_")
        if key in out or variable not in os.environ:
            continue
        try:
            out[key] = kind(os.environ[variable])
        except ValueError:
            raise UsageError(f"{variable}: not a valid {key}: {os.environ[variable]!r}", kind="usage",
                             field=variable) from None
    return out


def _teacher(teacher, llm):
    """teacher=None: "llm" when an `llm` argument is given, else "auto"."""
    if teacher is None:
        return "llm" if llm else "auto"
    return str(teacher)


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


def teach(uus, model, train, teacher=None, *, llm=None, max_uus=20, samples_per_hypothesis=2, extrapolate=True,
          seed=0, threshold=0.65, threads=0, import_hypotheses=None, import_samples=None, teach_label_issues=False,
          workspace="blindspot-work", out=None, model_labels=None, batch_size=64):
    """Has a teacher describe UUs as hypotheses and write samples for them, then filters the
    samples (as `blindspot teach`; teachers "auto", "llm" and "import"). Recorded as a run of the
    workspace. uus: a table from scan or attack (DataFrame or list of dicts), a UU file path,
    or a list mixing both. train: as train()'s (a dataset folder also gives the test split the
    leakage filter needs). teacher: default "llm" when `llm` is given, else "auto".
    llm: the LLM teacher's endpoint and settings, a dict with the keys of LLM_KEYS, e.g.
    {"base_url": "http://127.0.0.1:8080/v1", "model": "qwen", "max_usd": 2}; the key is read
    from the variable "api_key_env" names (default OPENAI_API_KEY). Its calls are cached in the
    workspace's store: the same call again makes no HTTP request. Returns {"run", "teacher",
    "baseline", "uus", "uus_taught", "label_issues_left_out", "hypotheses": table, "samples":
    table, "rejections": {reason: count}, "failures": [...], "outputs": {the four files}, and with
    an LLM "llm": {"http_calls", "cached_calls", "prompt_tokens", "completion_tokens", "cost_usd",
    ...}}. Failed LLM calls or the max_usd budget raise RemoteError after the files are written."""
    native_model = _model(model, model_labels, batch_size)
    texts, labels, data = _data(train, None, None, "train")
    uus = records(uus)
    if isinstance(uus, (str, os.PathLike)):
        uus = [os.fspath(uus)]
    uus = [os.fspath(u) if isinstance(u, os.PathLike) else u for u in uus]
    result = _native.teach(native_model, dict(
        uus=uus, texts=texts, labels=labels, data=data, teacher=_teacher(teacher, llm), llm=_llm(llm),
        teach_label_issues=bool(teach_label_issues), max_uus=int(max_uus),
        samples_per_hypothesis=int(samples_per_hypothesis), extrapolate=bool(extrapolate), seed=int(seed),
        threshold=float(threshold), threads=int(threads), import_hypotheses=_path(import_hypotheses),
        import_samples=_path(import_samples), workspace=os.fspath(workspace), out=_path(out)))
    result["hypotheses"] = table(parse_json_members(result["hypotheses"], "details", "provenance"))
    result["samples"] = table(parse_json_members(result["samples"], "provenance"))
    return result


def run(data, teacher=None, *, llm=None, workspace="blindspot-work", seed=0, threshold=0.65, dev_attack_rows=300,
        attack_budget=30, max_uus=None, samples_per_hypothesis=2, sample_budget=None, budget_share=0.10,
        test_attack_rows=200, threads=0, rounds=1, tuning="when_short", model=None, train_command=None,
        baseline_model=None, label_issues=False, label_folds=5, teach_label_issues=False):
    """The whole loop on a dataset folder (as `blindspot run`): train, find dev UUs, group, teach,
    augment, retrain, compare on test. Resumable: a second call with the same arguments reuses
    every step. Returns the dict `blindspot run --json` prints: "before" and "after" hold the
    test metrics (accuracy, macro_f1, ece, brier, uu_counts, adversarial_uu_rate,
    reachable_errors, ...). model/train_command/baseline_model: a model spec string and its
    training command, as the CLI's --model and --train-command (docs/run.md, "Any model").
    teacher: "auto" or "llm" (default "llm" when `llm` is given, else "auto"); llm: as teach()'s.
    label_issues: flag the dev UUs that are probably wrong labels (confident learning on
    label_folds-fold out-of-sample probabilities, docs/label-issues.md); they are counted apart
    and not taught unless teach_label_issues."""
    if teach_label_issues and not label_issues:
        raise UsageError("teach_label_issues=True needs label_issues=True", kind="usage", field="teach_label_issues")
    if label_issues and int(label_folds) < 2:
        raise UsageError(f"label_folds must be at least 2, got {label_folds}", kind="usage", field="label_folds")
    if model is not None and not isinstance(model, (str, os.PathLike)):
        raise UsageError("run: model must be a spec string (\"cmd:...\" or a server URL); the loop retrains its "
                         "model, so a Python model enters it through an adapter (docs/python.md)",
                         kind="usage", field="model")
    result = _native.run(dict(
        data=os.fspath(data), teacher=_teacher(teacher, llm), llm=_llm(llm), workspace=os.fspath(workspace),
        seed=int(seed), label_issues=bool(label_issues), label_folds=int(label_folds),
        teach_label_issues=bool(teach_label_issues),
        threshold=float(threshold), dev_attack_rows=int(dev_attack_rows), attack_budget=int(attack_budget),
        max_uus=None if max_uus is None else int(max_uus), samples_per_hypothesis=int(samples_per_hypothesis),
        sample_budget=None if sample_budget is None else int(sample_budget), budget_share=float(budget_share),
        test_attack_rows=int(test_attack_rows), threads=int(threads), rounds=int(rounds), tuning=tuning,
        model=_path(model), train_command=train_command, baseline_model=_path(baseline_model)))
    return json.loads(result)


def _optional(kind, value):
    return None if value is None else kind(value)


def experiment(config, *, llm=None, workspace="blindspot-work", threads=None, out=None, label_issues=None,
               label_folds=None, teach_label_issues=None):
    """Runs an experiment file (TOML, docs/experiment.md) as `blindspot experiment` and returns
    {"run", "html", "markdown", "json" (the report's files), "findings": [str], "report": the
    parsed report.json}. llm: as teach()'s, for the file's llm condition. label_issues,
    label_folds, teach_label_issues: as run()'s; None keeps the file's setting."""
    result = _native.experiment(dict(config=os.fspath(config), workspace=os.fspath(workspace), llm=_llm(llm),
                                     threads=_optional(int, threads), out=_path(out),
                                     label_issues=_optional(bool, label_issues),
                                     label_folds=_optional(int, label_folds),
                                     teach_label_issues=_optional(bool, teach_label_issues)))
    with open(result["json"], encoding="utf-8") as f:
        result["report"] = json.load(f)
    return result
