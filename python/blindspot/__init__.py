"""blindspot for Python: find and fix the blind spots (confident errors, "UUs") of text classifiers.

    import blindspot
    uus = blindspot.scan(pipeline, texts, labels)           # any model with predict_proba
    result = blindspot.run(data="imdb/", teacher="auto")      # the whole loop, before/after metrics

Operations (docs/python.md): train, scan, attack, teach, run, experiment; open_model and wrap
make a blindspot.Model. They run blindspot's C++ library (the same static libraries as the
`blindspot` command) and return plain Python objects: dicts, lists, and tables, which are pandas
DataFrames when pandas is importable and lists of dicts otherwise (set_table_format changes it).
Failures raise blindspot.Error subclasses (UsageError, BadInputError, IoError, RemoteError,
InternalError) with .kind, .file, .line and .field.

A model is a blindspot.Model, a spec string ("model.bin", "cmd:...", "http://.../v2/models/m"),
or a Python model: a callable or an object with predict_proba(list[str]) -> rows of probabilities
in the order of its labels (scikit-learn estimators, TextAttack model wrappers, anything giving
cleanlab's pred_probs). Python models are not trained by blindspot.

The LLM teacher: teach, run and experiment take llm={"base_url": ..., "model": ..., ...} (keys:
blindspot.LLM_KEYS, mirroring the CLI's flags; defaults from BLINDSPOT_<FLAG>, OPENAI_BASE_URL).
The API key is read from the variable llm["api_key_env"] names (default OPENAI_API_KEY), never
passed as an argument, and appears in no result. Replies are cached in the workspace's store:
repeating a call sends no request. run(label_issues=True) flags dev UUs that are probably wrong
labels (confident learning, docs/label-issues.md) and does not teach them.

The GIL and threads:
- Every operation releases the GIL while the library works, so other Python threads run meanwhile.
- blindspot calls a Python model from its own worker threads (threads=0: all cores), batch_size
  texts at a time, one call at a time: each call takes the model's own lock, then the GIL, and
  holds both only while predict_proba runs and its reply is converted. So predict_proba is never
  entered by two threads at once, even when it releases the GIL itself (numpy, torch), but it
  may run in any thread, not only the one that called the operation.
- predict_proba must not wait for the thread that called the operation (that thread is inside
  blindspot until it returns), nor call blindspot with the same model: either deadlocks.
- An exception raised by predict_proba stops the operation and is raised again, unchanged, by
  the operation in the caller's thread.
- One Model may be used by several operations in several Python threads at once; a Python
  model's calls are then still made one at a time.
"""
from .api import (LLM_KEYS, UU_COLUMNS, Model, attack, experiment, open_model, run, scan, teach, train, wrap)
from .errors import BadInputError, Error, InternalError, IoError, RemoteError, UsageError
from .tables import set_table_format, table_format
from ._native import recipe_names

__all__ = ["Model", "UU_COLUMNS", "LLM_KEYS", "attack", "experiment", "open_model", "run", "scan", "teach", "train", "wrap",
           "Error", "UsageError", "BadInputError", "IoError", "RemoteError", "InternalError",
           "set_table_format", "table_format", "recipe_names"]
