"""examples/python/quickstart.py runs as a user would run it."""
import os
import subprocess
import unittest

import support


class Quickstart(unittest.TestCase):
    def test_runs(self):
        with support.TempDir() as folder:
            completed = subprocess.run([support.PYTHON, os.path.join(support.SOURCE_DIR, "examples", "python",
                                                                     "quickstart.py")],
                                       cwd=folder, capture_output=True, text=True, timeout=240)
            self.assertEqual(completed.returncode, 0, completed.stderr)
            self.assertIn("most confident UUs", completed.stdout)
            self.assertIn("accuracy before", completed.stdout)


if __name__ == "__main__":
    unittest.main()
