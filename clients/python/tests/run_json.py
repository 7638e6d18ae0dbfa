#!/usr/bin/env python3
"""Runs the SDK's unittest suite and reports every test case as JSON, for the Jest suite
test/python-sdk.e2e-spec.ts (which turns each case into one Jest test).

    python3 tests/run_json.py --list              # JSON array of test ids
    python3 tests/run_json.py --out results.json  # run them; {"results": {id: {...}}}

A result is {"status": "passed"|"failed"|"skipped", "output": text, "seconds": n}. Output printed
by a test is captured into its result. Exit code 0 when nothing failed.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
import traceback
import unittest
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Dict, Iterable, Iterator, Optional

TESTS = Path(__file__).resolve().parent
SDK_ROOT = TESTS.parent
sys.path.insert(0, str(SDK_ROOT))


def discover() -> unittest.TestSuite:
    return unittest.TestLoader().discover(str(TESTS), pattern="test_*.py", top_level_dir=str(SDK_ROOT))


def cases(suite: unittest.TestSuite) -> Iterator[unittest.TestCase]:
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            yield from cases(item)
        else:
            yield item


class JsonResult(unittest.TestResult):
    """Records each test's outcome, duration and printed output."""

    def __init__(self, ids: Iterable[str]) -> None:
        super().__init__()
        self.known = set(ids)
        self.results: Dict[str, dict] = {}
        # Errors outside a test, by unittest's description, e.g. "setUpClass (tests.x.SomeTest)".
        self.fixture_errors: Dict[str, str] = {}
        self._started = 0.0
        self._out = io.StringIO()
        self._redirects: list = []

    def startTest(self, test: unittest.TestCase) -> None:
        super().startTest(test)
        self._started = time.monotonic()
        self._out = io.StringIO()
        self._redirects = [redirect_stdout(self._out), redirect_stderr(self._out)]
        for r in self._redirects:
            r.__enter__()

    def stopTest(self, test: unittest.TestCase) -> None:
        for r in reversed(self._redirects):
            r.__exit__(None, None, None)
        self._redirects = []
        entry = self.results.setdefault(test.id(), {"status": "passed", "output": ""})
        entry["seconds"] = round(time.monotonic() - self._started, 3)
        printed = self._out.getvalue()
        if printed:
            entry["output"] = (entry["output"] + "\n--- output ---\n" + printed).strip()
        super().stopTest(test)

    def _record(self, test: unittest.TestCase, status: str, text: str = "") -> None:
        if not isinstance(test, unittest.TestCase) or test.id() not in self.known:
            self.fixture_errors[str(test)] = text
            return
        entry = self.results.setdefault(test.id(), {"status": "passed", "output": ""})
        if entry["status"] != "failed":
            entry["status"] = status
        entry["output"] = (entry["output"] + "\n" + text).strip()

    def addSuccess(self, test):  # noqa: N802 (unittest's names)
        super().addSuccess(test)
        self._record(test, "passed")

    def addFailure(self, test, err):  # noqa: N802
        super().addFailure(test, err)
        self._record(test, "failed", self._exc_info_to_string(err, test))

    def addError(self, test, err):  # noqa: N802
        super().addError(test, err)
        self._record(test, "failed", self._exc_info_to_string(err, test))

    def addSkip(self, test, reason):  # noqa: N802
        super().addSkip(test, reason)
        self._record(test, "skipped", f"skipped: {reason}")

    def addExpectedFailure(self, test, err):  # noqa: N802
        super().addExpectedFailure(test, err)
        self._record(test, "passed", "expected failure")

    def addUnexpectedSuccess(self, test):  # noqa: N802
        super().addUnexpectedSuccess(test)
        self._record(test, "failed", "unexpected success")

    def addSubTest(self, test, subtest, err):  # noqa: N802
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._record(test, "failed", f"{subtest}:\n{self._exc_info_to_string(err, test)}")


def run(out: Optional[Path]) -> int:
    suite = discover()
    ids = [case.id() for case in cases(suite)]
    result = JsonResult(ids)
    try:
        suite.run(result)
    except Exception:  # the runner itself must always report
        result.fixture_errors["runner"] = traceback.format_exc()
    report = {
        test_id: result.results.get(test_id, {"status": "failed", "output": "", "seconds": 0})
        for test_id in ids
    }
    # A failed setUpClass/tearDownClass/setUpModule fails every test of its class or module.
    for where, text in result.fixture_errors.items():
        scope = where[where.find("(") + 1 : where.rfind(")")] if "(" in where else ""
        for test_id, entry in report.items():
            if where == "runner" or (scope and test_id.startswith(scope + ".")):
                entry["status"] = "failed"
                entry["output"] = (entry["output"] + f"\n{where}:\n{text}").strip()
    for entry in report.values():
        if entry["status"] == "failed" and not entry["output"]:
            entry["output"] = "the test did not run"
    text = json.dumps({"results": report}, indent=2)
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        print(text)
    return 0 if all(e["status"] != "failed" for e in report.values()) else 1


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--list", action="store_true", help="print the test ids and exit")
    parser.add_argument("--out", type=Path, help="write the JSON report here instead of stdout")
    args = parser.parse_args()
    if args.list:
        print(json.dumps([case.id() for case in cases(discover())]))
        return 0
    return run(args.out)


if __name__ == "__main__":
    sys.exit(main())
