"""Tables are pandas DataFrames when pandas is importable, lists of dicts otherwise or on request."""
import unittest

import blindspot
import support


def keyword_model(texts):
    return [[0.1, 0.9] if "good" in t else [0.95, 0.05] for t in texts]


TEXTS = ["a good film", "not good at all", "a dull film", "a bad film"]
LABELS = ["positive", "negative", "negative", "positive"]


class Tables(unittest.TestCase):
    def setUp(self):
        self.model = blindspot.wrap(keyword_model, labels=["negative", "positive"])

    def tearDown(self):
        blindspot.set_table_format("auto")

    def test_records(self):
        blindspot.set_table_format("records")
        uus = blindspot.scan(self.model, TEXTS, LABELS)
        # "not good at all" read as positive (0.9), "a bad film" as negative (0.95): most confident first.
        self.assertEqual([uu["text"] for uu in uus], ["a bad film", "not good at all"])
        self.assertEqual(list(uus[0].keys()), blindspot.UU_COLUMNS)
        self.assertEqual(uus[0]["probabilities"], {"negative": 0.95, "positive": 0.05})
        self.assertEqual((uus[0]["row"], uus[0]["line"], uus[0]["confidence"]), (3, 4, 0.95))

    def test_dataframe_when_pandas(self):
        import pandas
        self.assertEqual(blindspot.table_format(), "pandas")
        uus = blindspot.scan(self.model, TEXTS, LABELS)
        self.assertIsInstance(uus, pandas.DataFrame)
        self.assertEqual(list(uus.columns), blindspot.UU_COLUMNS)
        self.assertEqual(uus["text"].tolist(), ["a bad film", "not good at all"])
        empty = blindspot.scan(self.model, TEXTS[:1], LABELS[:1])
        self.assertEqual((len(empty), list(empty.columns)), (0, blindspot.UU_COLUMNS))

    def test_dataframe_as_input(self):
        import pandas
        frame = pandas.DataFrame({"text": TEXTS, "label": LABELS})
        with_summary = blindspot.scan(self.model, frame, summary=True)
        summary = with_summary["summary"]
        self.assertEqual((summary["examples"], summary["errors"], summary["accuracy"]), (4, 2, 0.5))
        self.assertEqual(len(with_summary["uus"]), 2)

    def test_pred_probs_flag_label_issues(self):
        # Out-of-sample probabilities (negative, positive). Thresholds, the mean probability of each
        # class over the rows labelled with it: negative (0.1 + 0.9) / 2 = 0.5, positive
        # (0.8 + 0.6) / 2 = 0.7. "not good at all" (negative) reaches positive's 0.7 with 0.9 and
        # not negative's: a probable label issue. "a bad film" (positive) reaches neither
        # threshold (0.4, 0.6): a blind spot.
        import numpy
        pred_probs = numpy.array([[0.2, 0.8], [0.1, 0.9], [0.9, 0.1], [0.4, 0.6]])
        blindspot.set_table_format("records")
        result = blindspot.scan(self.model, TEXTS, LABELS, pred_probs=pred_probs, summary=True)
        flags = {uu["text"]: (uu["label_issue"], uu["label_quality"]) for uu in result["uus"]}
        self.assertEqual(flags, {"a bad film": (False, 0.6), "not good at all": (True, 0.1)})
        self.assertEqual(result["summary"]["label_issues"], 1)
        without = blindspot.scan(self.model, TEXTS, LABELS)
        self.assertEqual([(uu["label_issue"], uu["label_quality"]) for uu in without], [(False, -1), (False, -1)])
        with self.assertRaises(blindspot.UsageError) as raised:
            blindspot.scan(self.model, TEXTS, LABELS, pred_probs=pred_probs[:3])
        self.assertIn("pred_probs has 3 rows for 4 examples", str(raised.exception))

    def test_unknown_format(self):
        with self.assertRaises(blindspot.UsageError):
            blindspot.set_table_format("excel")


if __name__ == "__main__":
    unittest.main()
