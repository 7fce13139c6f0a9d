"""The LLM teacher through the module, against blindspot_llm_test_server (an OpenAI-compatible
server started here): teach and run with teacher="llm", the cache that makes a repeated call
free, a dead endpoint, the key that never appears in a result, and the GIL released meanwhile."""
import json
import os
import socket
import subprocess
import threading
import time
import unittest

import blindspot
import support

KEY_VARIABLE = "BLINDSPOT_PYTHON_TEST_KEY"
KEY = "sk-test-3f9a1c-never-printed"


class LlmServer:
    """blindspot_llm_test_server in a child process: its base URL, and its request count."""

    def __init__(self, *arguments):
        self._process = subprocess.Popen([os.environ["BLINDSPOT_LLM_TEST_SERVER"], *arguments],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.url = self._process.stdout.readline().strip()
        if not self.url.startswith("http://"):
            raise RuntimeError("blindspot_llm_test_server did not start")

    def requests(self):
        self._process.stdin.write("stats\n")
        self._process.stdin.flush()
        return json.loads(self._process.stdout.readline())["requests"]

    def close(self):
        self._process.stdin.close()  # the server exits when its stdin closes
        self._process.wait(timeout=10)
        self._process.stdout.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LlmTeacher(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        os.environ[KEY_VARIABLE] = KEY
        for variable in ("OPENAI_BASE_URL", "BLINDSPOT_BASE_URL", "BLINDSPOT_LLM_MODEL"):
            os.environ.pop(variable, None)  # the settings these tests leave out must stay unset
        cls.dir = support.TempDir()
        cls.folder = cls.dir.__enter__()
        cls.data = support.small_dataset(os.path.join(cls.folder, "sst2-small"))
        cls.model = blindspot.train(cls.data, seed=3)
        cls.uus = blindspot.scan(cls.model, data=cls.data, split="dev")
        cls.server = LlmServer("--api-key", KEY)

    @classmethod
    def tearDownClass(cls):
        cls.server.close()
        cls.dir.__exit__(None, None, None)

    def llm(self, **settings):
        return dict(base_url=self.server.url, model="test-model", api_key_env=KEY_VARIABLE, timeout=5, **settings)

    def test_teach_asks_the_llm_once_and_answers_a_repeated_call_from_the_workspace(self):
        workspace = os.path.join(self.folder, "teach-work")
        before = self.server.requests()
        first = blindspot.teach(self.uus, self.model, self.data, llm=self.llm(), max_uus=3, workspace=workspace)
        sent = self.server.requests() - before
        self.assertEqual(first["teacher"], "llm:test-model")
        self.assertFalse(first["baseline"])
        self.assertEqual(first["uus_taught"], 3)
        # Per UU an abstraction, an extrapolation and two generations (2 samples each).
        self.assertEqual(len(first["hypotheses"]), 6)
        self.assertEqual(len(first["samples"]), 12)
        self.assertTrue(any("The classifier misreads" in h for h in support.column(first["hypotheses"], "text")))
        self.assertEqual(first["llm"]["http_calls"], sent)
        self.assertGreater(sent, 0)

        again = blindspot.teach(self.uus, self.model, self.data, llm=self.llm(), max_uus=3, workspace=workspace)
        self.assertEqual(self.server.requests() - before, sent)  # no request at all the second time
        self.assertEqual(again["llm"]["http_calls"], 0)
        self.assertEqual(again["llm"]["cached_calls"], sent)
        self.assertEqual(support.column(again["hypotheses"], "text"), support.column(first["hypotheses"], "text"))
        self.assertNotIn(KEY, repr(first) + repr(again))

    def test_a_dead_endpoint_raises_a_remote_error_naming_its_url(self):
        url = f"http://127.0.0.1:{free_port()}/v1"
        with self.assertRaises(blindspot.RemoteError) as raised:
            blindspot.teach(self.uus, self.model, self.data, teacher="llm",
                            llm=dict(base_url=url, model="test-model", timeout=2, max_retries=0), max_uus=2,
                            workspace=os.path.join(self.folder, "dead-work"))
        self.assertEqual(raised.exception.kind, "remote")
        self.assertIn(url + "/chat/completions", str(raised.exception))
        self.assertIn("rerun the same call", str(raised.exception))

    def test_settings_are_checked_before_anything_runs(self):
        with self.assertRaises(blindspot.UsageError) as no_model:
            blindspot.teach(self.uus, self.model, self.data, teacher="llm", llm={"base_url": self.server.url},
                            workspace=os.path.join(self.folder, "bad-work"))
        self.assertIn('teacher="llm" needs llm={"model": NAME}', str(no_model.exception))
        with self.assertRaises(blindspot.UsageError) as typo:
            blindspot.teach(self.uus, self.model, self.data, llm={"base_url": self.server.url, "modle": "m"})
        self.assertIn('unknown setting "modle"; did you mean "model"?', str(typo.exception))
        with self.assertRaises(blindspot.UsageError) as key:
            blindspot.teach(self.uus, self.model, self.data, llm=self.llm(api_key=KEY))
        self.assertIn("api_key_env", str(key.exception))
        self.assertNotIn(KEY, str(key.exception))

    def test_experiment_checks_its_llm_condition_and_label_settings_before_any_loop(self):
        config = os.path.join(self.folder, "small.toml")
        with open(config, "w", encoding="utf-8") as f:
            f.write(f'data = "{self.data}"\nseeds = [0, 1, 2]\nconditions = ["auto", "llm"]\nsample_budget = 6\n')
        workspace = os.path.join(self.folder, "experiment-work")
        with self.assertRaises(blindspot.UsageError) as no_endpoint:
            blindspot.experiment(config, workspace=workspace, llm={"base_url": None, "model": "m"})
        self.assertIn("the experiment's llm condition and", str(no_endpoint.exception))
        with self.assertRaises(blindspot.UsageError) as folds:
            blindspot.experiment(config, workspace=workspace, llm=self.llm(), label_folds=3)
        self.assertIn("label_folds needs label_issues=True", str(folds.exception))
        self.assertFalse(os.path.exists(os.path.join(workspace, "loops")))

    def test_the_gil_is_free_while_the_llm_answers(self):
        slow = LlmServer("--latency-ms", "150")
        counter = support.Counter()
        counter.start()
        try:
            start, before = time.perf_counter(), counter.count
            time.sleep(0.3)
            free_rate = (counter.count - before) / (time.perf_counter() - start)
            start, before = time.perf_counter(), counter.count
            blindspot.teach(self.uus, self.model, self.data,
                            llm=dict(base_url=slow.url, model="test-model", max_in_flight=1), max_uus=2,
                            workspace=os.path.join(self.folder, "gil-work"))
            seconds = time.perf_counter() - start
            teach_rate = (counter.count - before) / seconds
        finally:
            counter.running = False
            counter.join()
            slow.close()
        self.assertGreater(seconds, 1.0)  # 8 requests one at a time, 150 ms each
        self.assertGreater(teach_rate, 0.3 * free_rate)

    def test_run_with_the_llm_teacher(self):
        workspace = os.path.join(self.folder, "run-work")
        arguments = dict(llm=self.llm(), workspace=workspace, dev_attack_rows=20, test_attack_rows=20, max_uus=4,
                         tuning="off", threads=2)
        before = self.server.requests()
        result = blindspot.run(self.data, **arguments)
        sent = self.server.requests() - before
        self.assertTrue(result["complete"])
        self.assertEqual(result["teacher"], "llm")
        self.assertGreater(result["hypotheses"], 0)
        self.assertGreater(sent, 0)
        self.assertNotIn(KEY, json.dumps(result))
        for root, _, files in os.walk(os.path.join(workspace, "loops")):
            for name in files:
                if name.endswith(".json"):
                    with open(os.path.join(root, name), encoding="utf-8") as f:
                        self.assertNotIn(KEY, f.read(), name)
        again = blindspot.run(self.data, **arguments)
        self.assertEqual(self.server.requests() - before, sent)
        self.assertEqual(again["after"], result["after"])


if __name__ == "__main__":
    unittest.main()
