"""blindspot's errors reach Python as blindspot.Error subclasses with kind, file, line and field;
a Python model's own exception reaches the caller unchanged."""
import os
import unittest

import blindspot
import support


def constant_model(texts):
    return [[0.8, 0.2] for _ in texts]


class Errors(unittest.TestCase):
    def setUp(self):
        self.dir = support.TempDir()
        self.folder = self.dir.__enter__()
        self.model = blindspot.wrap(constant_model, labels=["negative", "positive"])

    def tearDown(self):
        self.dir.__exit__(None, None, None)

    def test_malformed_csv_names_file_and_line(self):
        path = os.path.join(self.folder, "dev.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write('text,label\ngood film,positive\n"an unclosed quote,negative\n')
        with self.assertRaises(blindspot.BadInputError) as caught:
            blindspot.scan(self.model, data=path)
        error = caught.exception
        self.assertIsInstance(error, blindspot.Error)
        self.assertEqual(error.kind, "bad_input")
        self.assertEqual(error.file, path)
        self.assertEqual(error.line, 3)
        self.assertTrue(str(error).startswith(f"{path}:3:"), str(error))

    def test_unknown_label_in_lists_names_its_position(self):
        with self.assertRaises(blindspot.BadInputError) as caught:
            blindspot.scan(self.model, ["fine", "bad", "ok"], ["positive", "negative", "neutral"])
        error = caught.exception
        self.assertEqual((error.kind, error.file, error.line, error.field), ("bad_input", "<list>", 3, "label"))
        self.assertIn('unknown label "neutral"', error.message)

    def test_usage_errors(self):
        with self.assertRaises(blindspot.UsageError) as caught:
            blindspot.scan(self.model, ["a text"], ["positive"], data=self.folder)
        self.assertEqual(caught.exception.kind, "usage")
        self.assertIsNone(caught.exception.file)
        with self.assertRaises(blindspot.UsageError):
            blindspot.attack(self.model, ["a text"], ["positive"], recipe="deepwordbog")
        with self.assertRaises(blindspot.UsageError):
            blindspot.wrap(constant_model)  # no labels and no classes_

    def test_missing_file_names_it(self):
        with self.assertRaises(blindspot.Error) as caught:
            blindspot.scan(self.model, data=os.path.join(self.folder, "missing"))
        self.assertIn("missing", str(caught.exception))

    def test_model_exception_propagates_unchanged(self):
        class Broken(Exception):
            pass

        def broken(texts):
            raise Broken("no GPU today")

        model = blindspot.wrap(broken, labels=["negative", "positive"])
        with self.assertRaises(Broken) as caught:
            blindspot.scan(model, ["a good film", "a bad film"], ["positive", "negative"], threads=2)
        self.assertEqual(str(caught.exception), "no GPU today")

    def test_bad_reply_is_a_remote_error(self):
        cases = [(lambda texts: [[0.5, 0.5]], "returned 1 rows for 2 texts"),
                 (lambda texts: [[1.0] for _ in texts], "has 1 probabilities for 2 labels"),
                 (lambda texts: [[0.7, 0.7] for _ in texts], "sums to 1.4"),
                 (lambda texts: [[float("nan"), 1.0] for _ in texts], "not a finite number"),
                 (lambda texts: "positive", "not a sequence")]
        for function, message in cases:
            model = blindspot.wrap(function, labels=["negative", "positive"], name="bad")
            with self.assertRaises(blindspot.RemoteError) as caught:
                blindspot.scan(model, ["a good film", "a bad film"], ["positive", "negative"])
            self.assertIn(message, str(caught.exception))
            self.assertEqual(caught.exception.kind, "remote")

    def test_bad_experiment_file_names_file_line_and_key(self):
        path = os.path.join(self.folder, "e.toml")
        with open(path, "w", encoding="utf-8") as f:
            f.write('data = "d"\nseeds = [0, 1, 2]\nconditions = ["auto"]\nsample_budget = 10\nthresold = 0.5\n')
        with self.assertRaises(blindspot.UsageError) as caught:
            blindspot.experiment(path, workspace=os.path.join(self.folder, "work"))
        error = caught.exception
        self.assertEqual((error.file, error.line, error.field), (path, 5, "thresold"))


if __name__ == "__main__":
    unittest.main()
