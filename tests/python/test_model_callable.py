"""A scikit-learn pipeline passed as a Python model gives the same UUs and attacks as the same
model served by the example adapter (docs/model-protocol.md)."""
import unittest

import blindspot
import support


class SklearnPipelineAsCallable(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        blindspot.set_table_format("records")
        cls.dir = support.TempDir()
        folder = cls.dir.__enter__()
        cls.model_file, cls.pipeline = support.train_sklearn(folder)
        cls.texts, cls.labels = support.read_rows("sst2", "dev", 300)
        cls.adapter = blindspot.open_model(support.adapter_spec(cls.model_file))
        cls.callable = blindspot.wrap(cls.pipeline, batch_size=16)

    @classmethod
    def tearDownClass(cls):
        blindspot.set_table_format("auto")
        cls.dir.__exit__(None, None, None)

    def test_labels_come_from_classes(self):
        self.assertEqual(self.callable.labels, ["negative", "positive"])
        self.assertEqual(self.adapter.labels, ["negative", "positive"])
        self.assertEqual(self.callable.kind, "python")

    def test_same_probabilities(self):
        self.assertEqual(self.callable.predict_proba(self.texts[:50]), self.adapter.predict_proba(self.texts[:50]))

    def test_same_uus(self):
        from_callable = blindspot.scan(self.callable, self.texts, self.labels, threshold=0.6)
        from_adapter = blindspot.scan(self.adapter, self.texts, self.labels, threshold=0.6)
        self.assertGreater(len(from_callable), 5)  # a real scan finds some on 300 sst2 sentences
        self.assertEqual(from_callable, from_adapter)
        confidences = [uu["confidence"] for uu in from_callable]
        self.assertEqual(confidences, sorted(confidences, reverse=True))
        for uu in from_callable:
            self.assertNotEqual(uu["true_label"], uu["predicted_label"])
            self.assertGreaterEqual(uu["confidence"], 0.6)
            self.assertEqual(uu["text"], self.texts[uu["row"]])
            self.assertEqual(uu["id"], f"dev:{uu['row']}:natural")

    def test_same_attacks(self):
        arguments = dict(max_examples=25, seed=3, budget=30, threads=2)
        from_callable = blindspot.attack(self.pipeline, self.texts, self.labels, **arguments)
        from_adapter = blindspot.attack(self.adapter, self.texts, self.labels, **arguments)
        self.assertEqual(from_callable["summary"], from_adapter["summary"])
        self.assertEqual(from_callable["attacks"], from_adapter["attacks"])
        self.assertEqual(from_callable["uus"], from_adapter["uus"])
        self.assertEqual(from_callable["summary"]["examples"], 25)
        self.assertGreater(from_callable["summary"]["succeeded"], 0)
        for uu in from_callable["uus"]:
            self.assertEqual(uu["kind"], "adversarial")
            self.assertNotEqual(uu["text"], uu["original_text"])
            self.assertTrue(uu["edits"])


if __name__ == "__main__":
    unittest.main()
