#!/usr/bin/env python3
"""Runs the model test suite with unittest and writes its counts as JSON for scripts/test-all.mjs."""
import argparse
import json
import sys
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", type=Path, help="write {passed, failed, skipped} here")
    args = parser.parse_args()
    suite = unittest.defaultTestLoader.discover(str(ROOT / "model" / "tests"), top_level_dir=str(ROOT))
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    passed = result.testsRun - failed - skipped
    if args.json:
        args.json.write_text(json.dumps({"passed": passed, "failed": failed, "skipped": skipped}))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
