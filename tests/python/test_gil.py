"""The GIL is released while blindspot works, and a Python model is called from blindspot's
threads one call at a time, without deadlock."""
import threading
import time
import unittest

import blindspot
import support


class GilReleased(unittest.TestCase):
    def test_python_threads_run_while_the_library_trains_and_scans(self):
        texts, labels = support.read_rows("sst2", "train", 2000)
        counter = support.Counter()
        counter.start()

        def rate(work):
            """The counter's increments per second while `work` runs, and how long it ran."""
            start, before = time.perf_counter(), counter.count
            work()
            seconds = time.perf_counter() - start
            return (counter.count - before) / seconds, seconds

        try:
            free_rate, _ = rate(lambda: time.sleep(0.3))  # the GIL is free: the counter's own speed
            model = None

            def train():
                nonlocal model
                model = blindspot.train((texts, labels), epochs=5, seed=1)

            train_rate, train_seconds = rate(train)
            scan_rate, scan_seconds = rate(lambda: blindspot.scan(model, texts, labels, threads=1))
        finally:
            counter.running = False
            counter.join()
        # Had the call held the GIL, the counter would have stood still for all but a few 5 ms
        # switches of the Python code around it: far below a tenth of its free speed.
        self.assertGreater(train_seconds, 0.1)
        self.assertGreater(train_rate, 0.1 * free_rate, (train_rate, free_rate, train_seconds))
        self.assertGreater(scan_rate, 0.1 * free_rate, (scan_rate, free_rate, scan_seconds))


class SerialisedCalls(unittest.TestCase):
    def test_python_model_from_worker_threads(self):
        lock = threading.Lock()
        calls = []

        def predict_proba(texts):
            # A second thread inside at the same time would find the lock taken.
            if not lock.acquire(blocking=False):
                raise AssertionError("predict_proba entered by two threads at once")
            try:
                calls.append((threading.get_ident(), len(texts)))
                time.sleep(0.001)  # releases the GIL: another blindspot thread may now try to call
                return [[0.3, 0.7] if "good" in t else [0.9, 0.1] for t in texts]
            finally:
                lock.release()

        model = blindspot.wrap(predict_proba, labels=["negative", "positive"], batch_size=4)
        texts, labels = support.read_rows("sst2", "dev", 60)
        result = blindspot.attack(model, texts, labels, threads=4, max_examples=20, budget=10)
        self.assertEqual(result["summary"]["examples"], 20)
        self.assertTrue(all(size <= 4 for _, size in calls))
        caller = threading.get_ident()
        self.assertTrue(any(ident != caller for ident, _ in calls), "no call came from a blindspot thread")

    def test_two_python_threads_share_one_model(self):
        model = blindspot.wrap(lambda texts: [[0.5, 0.5] for _ in texts], labels=["a", "b"])
        texts, _ = support.read_rows("sst2", "dev", 200)
        results = []

        def work():
            results.append(len(model.predict_proba(texts)))

        threads = [threading.Thread(target=work) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertEqual(results, [200, 200, 200])


if __name__ == "__main__":
    unittest.main()
