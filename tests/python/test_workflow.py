"""train -> scan -> teach and the whole loop (run) through the module, on small slices of sst2."""
import os
import unittest

import blindspot
import support


class Workflow(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = support.TempDir()
        cls.folder = cls.dir.__enter__()
        cls.data = support.small_dataset(os.path.join(cls.folder, "sst2-small"))
        cls.workspace = os.path.join(cls.folder, "work")

    @classmethod
    def tearDownClass(cls):
        cls.dir.__exit__(None, None, None)

    def test_train_scan_teach(self):
        model_path = os.path.join(self.folder, "model.bin")
        model = blindspot.train(self.data, model_path=model_path, seed=3)
        self.assertTrue(os.path.exists(model_path))
        self.assertEqual((model.kind, model.path, model.labels), ("fasttext", model_path, ["negative", "positive"]))
        again = blindspot.open_model(model_path)
        texts, _ = support.read_rows("sst2", "dev", 20)
        self.assertEqual(again.predict_proba(texts), model.predict_proba(texts))

        uus = blindspot.scan(model, data=self.data, split="dev", out=os.path.join(self.folder, "scan"))
        self.assertGreater(len(uus), 0)
        self.assertTrue(os.path.exists(os.path.join(self.folder, "scan.uus.jsonl")))
        taught = blindspot.teach(uus, model, self.data, teacher="auto", max_uus=5, workspace=self.workspace)
        self.assertEqual(taught["teacher"], "auto (baseline)")
        self.assertTrue(taught["baseline"])
        self.assertEqual(taught["uus_taught"], min(5, len(uus)))
        self.assertGreater(len(taught["hypotheses"]), 0)
        self.assertGreater(len(taught["samples"]), 0)
        self.assertTrue(os.path.exists(taught["outputs"]["samples_csv"]))
        # The UU file scan wrote teaches the same UUs.
        from_file = blindspot.teach(os.path.join(self.folder, "scan.uus.jsonl"), model, self.data, max_uus=5,
                                    workspace=self.workspace)
        self.assertEqual(from_file["uus_taught"], taught["uus_taught"])

    def test_run_returns_before_and_after(self):
        result = blindspot.run(self.data, teacher="auto", workspace=self.workspace, dev_attack_rows=20,
                               test_attack_rows=20, tuning="off", threads=2)
        self.assertTrue(result["complete"])
        for side in ("before", "after"):
            self.assertGreater(result[side]["accuracy"], 0.5)
            self.assertIn("reachable_errors", result[side])
        again = blindspot.run(self.data, teacher="auto", workspace=self.workspace, dev_attack_rows=20,
                              test_attack_rows=20, tuning="off", threads=2)
        self.assertEqual(again["before"], result["before"])  # resumed: every step reused
        self.assertEqual(again["after"], result["after"])

    def test_run_with_label_issues_counts_the_flipped_dev_rows_apart(self):
        folder = support.small_dataset(os.path.join(self.folder, "sst2-flipped"))
        texts, labels = support.read_rows("sst2", "dev", 200)
        flipped = {i for i in range(0, 200, 10)}
        labels = [("positive" if label == "negative" else "negative") if i in flipped else label
                  for i, label in enumerate(labels)]
        support.write_csv(os.path.join(folder, "dev.csv"), texts, labels)
        arguments = dict(workspace=os.path.join(self.folder, "work-labels"), dev_attack_rows=20, test_attack_rows=20,
                         tuning="off", threads=2)
        result = blindspot.run(folder, label_issues=True, label_folds=3, **arguments)
        triage = result["label_issues"]
        self.assertEqual((triage["folds"], triage["taught"], triage["dev_uus"]), (3, False, result["dev_uus"]))
        # Most of the 20 flipped rows are confident errors of a model trained on clean labels.
        self.assertGreaterEqual(triage["dev_uus_flagged"], 8)
        self.assertLess(triage["dev_uus_flagged"], result["dev_uus"])
        taught = blindspot.run(folder, label_issues=True, label_folds=3, teach_label_issues=True, **arguments)
        self.assertTrue(taught["label_issues"]["taught"])
        self.assertEqual(taught["label_issues"]["dev_uus_flagged"], triage["dev_uus_flagged"])
        self.assertNotIn("label_issues", blindspot.run(folder, **arguments))
        with self.assertRaises(blindspot.UsageError) as alone:
            blindspot.run(folder, teach_label_issues=True, **arguments)
        self.assertIn("teach_label_issues=True needs label_issues=True", str(alone.exception))


if __name__ == "__main__":
    unittest.main()
