"""The example adapters' protocol side (examples/adapters/, docs/model-protocol.md), run by ctest
as model_adapters_python: the shared serve() loop, the transformers adapter with a stub of the
library, the scikit-learn and torch adapters on a few rows, and the ten-line adapter of the docs."""
import contextlib
import csv
import io
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ADAPTERS = os.path.join(ROOT, "examples", "adapters")
FAKE_TRANSFORMERS = os.path.join(ROOT, "tests", "fixtures", "adapters", "fake_transformers")
sys.path.insert(0, ADAPTERS)

import blindspot_adapter  # noqa: E402

ROWS = [("a good and moving film", "positive"), ("good acting, great story", "positive"),
        ("a wonderful, good time", "positive"), ("bad, dull and slow", "negative"),
        ("a bad script and bad acting", "negative"), ("boring and bad", "negative")]


def converse(serve, requests):
    """Runs serve(stdin, stdout) on the requests; returns the handshake and the replies."""
    stdin = io.StringIO("".join(json.dumps(r) + "\n" for r in requests))
    stdout = io.StringIO()
    serve(stdin, stdout)
    lines = [json.loads(line) for line in stdout.getvalue().splitlines()]
    return lines[0], lines[1:]


class ServeLoop(unittest.TestCase):
    def test_handshake_and_replies_in_order(self):
        def predict(texts):
            return [[0.25, 0.75] if "good" in t else [0.5, 0.5] for t in texts]

        handshake, replies = converse(
            lambda i, o: blindspot_adapter.serve(predict, ["neg", "pos"], "m", model_version="3", stdin=i, stdout=o),
            [{"id": 1, "texts": ["good", "meh"]}, {"id": 2, "texts": ["ünïcode good"]}])
        self.assertEqual(handshake, {"protocol": "blindspot-model", "version": 1, "name": "m",
                                     "labels": ["neg", "pos"], "model_version": "3"})
        self.assertEqual(replies, [{"id": 1, "probabilities": [[0.25, 0.75], [0.5, 0.5]]},
                                   {"id": 2, "probabilities": [[0.25, 0.75]]}])

    def test_an_exception_or_nan_becomes_an_error_reply_and_serving_goes_on(self):
        def predict(texts):
            if texts == ["boom"]:
                raise RuntimeError("CUDA out of memory")
            return [[math.nan, 1.0] if t == "nan" else [0.5, 0.5] for t in texts]

        with contextlib.redirect_stderr(io.StringIO()) as errors:
            _, replies = converse(lambda i, o: blindspot_adapter.serve(predict, ["a", "b"], "m", stdin=i, stdout=o),
                                  [{"id": 1, "texts": ["boom"]}, {"id": 2, "texts": ["nan"]},
                                   {"id": 3, "texts": ["fine"]}])
        self.assertEqual(replies[0], {"id": 1, "error": "RuntimeError: CUDA out of memory"})
        self.assertEqual(replies[1]["id"], 2)
        self.assertIn("not a finite number", replies[1]["error"])
        self.assertEqual(replies[2], {"id": 3, "probabilities": [[0.5, 0.5]]})
        self.assertIn("Traceback", errors.getvalue())

    def test_stray_prints_go_to_stderr(self):
        def predict(texts):
            print("predicting", len(texts))
            return [[0.5, 0.5] for _ in texts]

        with contextlib.redirect_stderr(io.StringIO()) as errors:
            _, replies = converse(lambda i, o: blindspot_adapter.serve(predict, ["a", "b"], "m", stdin=i, stdout=o),
                                  [{"id": 1, "texts": ["x"]}])
        self.assertEqual(replies, [{"id": 1, "probabilities": [[0.5, 0.5]]}])
        self.assertIn("predicting 1", errors.getvalue())

    def test_predictions_file_has_ids_and_full_precision(self):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "p.csv")
            blindspot_adapter.write_predictions(path, ["neg", "pos"], [[1 / 3, 2 / 3], [0.1, 0.9]])
            with open(path) as f:
                self.assertEqual(f.read(), f"id,neg,pos\n0,{1 / 3!r},{2 / 3!r}\n1,0.1,0.9\n")
            self.assertEqual(os.listdir(folder), ["p.csv"])  # no temporary file left


class TransformersAdapterWithStub(unittest.TestCase):
    def setUp(self):
        sys.path.insert(0, FAKE_TRANSFORMERS)
        import transformers_adapter
        self.adapter = transformers_adapter

    def tearDown(self):
        sys.path.remove(FAKE_TRANSFORMERS)

    def test_serves_softmax_of_the_logits_with_labels_from_id2label(self):
        import transformers
        labels, predict_proba = self.adapter.load("distilbert-sst2", "cpu", 128)
        self.assertIn("distilbert-sst2", transformers.loaded)
        handshake, replies = converse(
            lambda i, o: blindspot_adapter.serve(predict_proba, labels, "distilbert-sst2", stdin=i, stdout=o),
            [{"id": 1, "texts": ["good good", "bad film", "neutral"]}])
        self.assertEqual(handshake["labels"], ["NEGATIVE", "POSITIVE"])
        rows = replies[0]["probabilities"]
        self.assertAlmostEqual(rows[0][1], 1 / (1 + math.exp(-2)), places=12)
        self.assertAlmostEqual(rows[1][1], 1 / (1 + math.exp(1)), places=12)
        self.assertEqual(rows[2], [0.5, 0.5])

    def test_predict_writes_a_predictions_file(self):
        with tempfile.TemporaryDirectory() as folder:
            data, out = os.path.join(folder, "d.csv"), os.path.join(folder, "p.csv")
            with open(data, "w", newline="") as f:
                csv.writer(f).writerows([("text", "label"), ("good", "positive"), ("bad, bad", "negative")])
            self.adapter.main(["predict", "some-model", "--data", data, "--out", out, "--batch-size", "1"])
            with open(out) as f:
                rows = list(csv.reader(f))
        self.assertEqual(rows[0], ["id", "NEGATIVE", "POSITIVE"])
        self.assertEqual([r[0] for r in rows[1:]], ["0", "1"])
        self.assertGreater(float(rows[1][2]), 0.5)
        self.assertLess(float(rows[2][2]), 0.5)


def run(args, stdin=""):
    result = subprocess.run([sys.executable, *args], input=stdin, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise AssertionError(f"{args} exited with {result.returncode}: {result.stderr}")
    return result.stdout


class TrainedAdapters(unittest.TestCase):
    """train, serve and predict through the command line, on six rows."""

    def check(self, adapter, extra_train_args=()):
        with tempfile.TemporaryDirectory() as folder:
            data, model, out = (os.path.join(folder, n) for n in ("d.csv", "model", "p.csv"))
            with open(data, "w", newline="") as f:
                csv.writer(f).writerows([("text", "label"), *ROWS])
            script = os.path.join(ADAPTERS, adapter)
            run([script, "train", "--train", data, "--out", model, "--seed", "3", *extra_train_args])
            requests = "".join(json.dumps({"id": i + 1, "texts": [t]}) + "\n" for i, (t, _) in enumerate(ROWS))
            lines = [json.loads(line) for line in run([script, "serve", model], requests).splitlines()]
            run([script, "predict", model, "--data", data, "--out", out])
            with open(out) as f:
                predictions = list(csv.reader(f))
        self.assertEqual(lines[0]["protocol"], "blindspot-model")
        self.assertEqual(lines[0]["labels"], ["negative", "positive"])
        self.assertEqual([r["id"] for r in lines[1:]], list(range(1, len(ROWS) + 1)))
        self.assertEqual(predictions[0], ["id", "negative", "positive"])
        for (text, label), reply, row in zip(ROWS, lines[1:], predictions[1:]):
            served = reply["probabilities"][0]
            self.assertAlmostEqual(sum(served), 1, places=9)
            self.assertEqual(lines[0]["labels"][served.index(max(served))], label, text)  # fits its training data
            self.assertAlmostEqual(float(row[2]), served[1], places=9)

    def test_sklearn(self):
        self.check("sklearn_adapter.py")

    def test_torch(self):
        self.check("torch_adapter.py", ["--epochs", "30"])


class DocumentedTenLineAdapter(unittest.TestCase):
    def test_the_adapter_in_the_docs_speaks_the_protocol(self):
        with open(os.path.join(ROOT, "docs", "model-protocol.md")) as f:
            code = re.search(r"## A complete adapter in ten lines\n\n```python\n(.*?)```", f.read(), re.S).group(1)
        self.assertLessEqual(len(code.splitlines()), 10)
        with tempfile.TemporaryDirectory() as folder:
            script, model = os.path.join(folder, "adapter.py"), os.path.join(folder, "model.pkl")
            with open(script, "w") as f:
                f.write(code)
            texts, labels = zip(*ROWS)
            run(["-c", "import pickle, sys\n"
                       "from sklearn.feature_extraction.text import CountVectorizer\n"
                       "from sklearn.linear_model import LogisticRegression\n"
                       "from sklearn.pipeline import make_pipeline\n"
                       f"m = make_pipeline(CountVectorizer(), LogisticRegression()).fit({list(texts)!r}, {list(labels)!r})\n"
                       f"pickle.dump(m, open({model!r}, 'wb'))"])
            lines = run([script, model], json.dumps({"id": 1, "texts": ["good", "bad"]}) + "\n").splitlines()
        self.assertEqual(json.loads(lines[0])["labels"], ["negative", "positive"])
        reply = json.loads(lines[1])
        self.assertEqual(reply["id"], 1)
        self.assertEqual(len(reply["probabilities"]), 2)


if __name__ == "__main__":
    unittest.main()
