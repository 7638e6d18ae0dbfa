"""Shared helpers of the tests that talk to a real coordinator.

Those tests run when these variables are set (the Jest suite test/python-sdk.e2e-spec.ts sets
them for a coordinator it starts) and are skipped otherwise:

    KRISHIV_TEST_COORDINATOR    gRPC URL, e.g. http://127.0.0.1:50051
    KRISHIV_TEST_ADMIN_TOKEN    a token with role admin (e.g. KRISHIV_COORDINATOR_BEARER_TOKEN)
    KRISHIV_TEST_READER_TOKEN   a token with role reader (e.g. KRISHIV_UI_TOKEN)
"""

from __future__ import annotations

import os
import time
import unittest
import uuid
from typing import Any, Callable

import krishiv as ks

COORDINATOR = os.environ.get("KRISHIV_TEST_COORDINATOR", "").strip()
ADMIN_TOKEN = os.environ.get("KRISHIV_TEST_ADMIN_TOKEN", "").strip()
READER_TOKEN = os.environ.get("KRISHIV_TEST_READER_TOKEN", "").strip()

needs_coordinator = unittest.skipUnless(
    COORDINATOR and ADMIN_TOKEN and READER_TOKEN,
    "set KRISHIV_TEST_COORDINATOR, KRISHIV_TEST_ADMIN_TOKEN and KRISHIV_TEST_READER_TOKEN",
)


def unique(prefix: str) -> str:
    """A name no earlier run used, so the tests also pass against a long-lived coordinator."""
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def eventually(check: Callable[[], Any], timeout: float = 20.0, interval: float = 0.1) -> Any:
    """Calls ``check`` until it returns something truthy, and returns that."""
    give_up = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > give_up:
            raise AssertionError(f"condition not met within {timeout} s (last value: {value!r})")
        time.sleep(interval)


@needs_coordinator
class CoordinatorTestCase(unittest.TestCase):
    """Opens an admin and a reader session for the test class."""

    admin: ks.Session
    reader: ks.Session

    @classmethod
    def setUpClass(cls) -> None:
        cls.admin = ks.Session.connect(COORDINATOR, token=ADMIN_TOKEN, deadline=60)
        cls.reader = ks.Session.connect(COORDINATOR, token=READER_TOKEN, deadline=60)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.admin.close()
        cls.reader.close()
