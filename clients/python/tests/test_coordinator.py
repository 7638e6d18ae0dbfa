"""The SDK against a real coordinator (see support.py for the variables that point at it)."""

import decimal
import os
import socket
import tempfile
import unittest
from unittest import mock

import grpc

import krishiv as ks

from .support import (
    ADMIN_TOKEN,
    COORDINATOR,
    READER_TOKEN,
    CoordinatorTestCase,
    eventually,
    needs_coordinator,
    unique,
)

BIG = 9007199254740993  # 2^53 + 1: a double cannot hold it
DECIMAL = decimal.Decimal("1234567890123456789012345678.0123456789")


class ConnectTest(CoordinatorTestCase):
    def test_whoami_with_the_service_token(self):
        me = self.admin.whoami()
        self.assertEqual((me.subject, me.role, me.method), ("service", "admin", "service-token"))

    def test_whoami_with_the_ui_token(self):
        me = self.reader.whoami()
        self.assertEqual((me.subject, me.role, me.method), ("ui", "reader", "ui-token"))

    def test_can_i(self):
        answer = self.reader.can_i("query:write")
        self.assertFalse(answer)
        self.assertEqual((answer.action, answer.allowed), ("query:write", False))
        self.assertEqual((answer.required_role, answer.role), ("writer", "reader"))
        self.assertTrue(self.reader.can_i("query:read"))
        self.assertTrue(self.admin.can_i("jobs:cancel").allowed)

    def test_session_is_a_context_manager(self):
        with ks.Session.connect(COORDINATOR, token=ADMIN_TOKEN) as session:
            self.assertEqual(session.whoami().role, "admin")
            self.assertEqual(session.url, COORDINATOR)


class SqlTest(CoordinatorTestCase):
    def test_select_42(self):
        result = self.reader.sql("SELECT 42 AS answer")
        self.assertEqual(result.column_names, ["answer"])
        self.assertEqual(result.columns, [ks.Column("answer", "INTEGER")])
        self.assertEqual(result.rows, [(42,)])
        self.assertIsInstance(result.rows[0][0], int)
        self.assertEqual(result.dicts(), [{"answer": 42}])
        self.assertEqual(result.scalar(), 42)
        self.assertEqual((result.row_count, result.truncated), (1, False))
        self.assertGreaterEqual(result.elapsed_ms, 0)

    def test_bigint_round_trip_is_exact(self):
        result = self.admin.sql(
            f"SELECT {BIG}::BIGINT AS big, {BIG}::BIGINT + 1 AS next, "
            "9223372036854775807::BIGINT AS max, (-9223372036854775807 - 1)::BIGINT AS min"
        )
        self.assertEqual(result.rows, [(BIG, BIG + 1, 2**63 - 1, -(2**63))])
        self.assertEqual([c.type for c in result.columns], ["BIGINT"] * 4)
        # And back: the int the SDK returned, sent again, is the same number.
        again = self.admin.sql(f"SELECT {result.rows[0][0]}::BIGINT = {BIG}::BIGINT AS same").scalar()
        self.assertIs(again, True)

    def test_values_decode_by_kind(self):
        row = self.admin.sql(
            "SELECT 1.5::DOUBLE AS d, 'héllo' AS s, '\\xAA\\x00'::BLOB AS b, NULL AS n, true AS t, "
            "12.30::DECIMAL(10,2) AS dec_value, 170141183460469231731687303715884105727::HUGEINT AS h, "
            "DATE '2026-11-28' AS day"
        ).dicts()[0]
        self.assertEqual(
            row,
            {
                "d": 1.5,
                "s": "héllo",
                "b": b"\xaa\x00",
                "n": None,
                "t": True,
                "dec_value": "12.30",
                "h": "170141183460469231731687303715884105727",
                "day": "2026-11-28",
            },
        )

    def test_max_rows_truncates(self):
        result = self.reader.sql("SELECT range AS i FROM range(10)", max_rows=3, timeout_ms=30000)
        self.assertEqual(result.rows, [(0,), (1,), (2,)])
        self.assertTrue(result.truncated)
        self.assertEqual(len(result), 3)

    def test_sql_error_is_invalid_argument(self):
        with self.assertRaises(ks.InvalidArgument) as caught:
            self.reader.sql("SELEC 1")
        self.assertEqual(caught.exception.code, grpc.StatusCode.INVALID_ARGUMENT)
        self.assertEqual(caught.exception.code_value, 3)


class ErrorsTest(CoordinatorTestCase):
    def test_reader_cannot_create_a_table(self):
        table = unique("forbidden")
        with self.assertRaises(ks.PermissionDenied) as caught:
            self.reader.sql(f"CREATE TABLE {table} (id INTEGER)")
        err = caught.exception
        self.assertIsInstance(err, ks.KrishivError)
        self.assertEqual(err.code, grpc.StatusCode.PERMISSION_DENIED)
        self.assertEqual(err.code_value, 7)
        self.assertIn("writer", err.message)
        # Nothing was created.
        with self.assertRaises(ks.InvalidArgument):
            self.admin.sql(f"SELECT * FROM {table}")

    def test_wrong_token_is_not_authenticated(self):
        with ks.Session.connect(COORDINATOR, token="not-the-token") as session:
            with self.assertRaises(ks.NotAuthenticated) as caught:
                session.sql("SELECT 1")
        self.assertEqual(caught.exception.code, grpc.StatusCode.UNAUTHENTICATED)
        self.assertEqual(caught.exception.code_value, 16)
        self.assertNotIn("not-the-token", str(caught.exception))

    def test_no_token_is_not_authenticated(self):
        with ks.Session.connect(COORDINATOR, token="") as session:
            with self.assertRaises(ks.NotAuthenticated):
                session.whoami()

    def test_unknown_job_is_not_found(self):
        with self.assertRaises(ks.NotFound) as caught:
            self.reader.get_job("00000000-0000-0000-0000-000000000000")
        self.assertEqual(caught.exception.code, grpc.StatusCode.NOT_FOUND)

    def test_unreachable_coordinator_is_unavailable(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]  # nothing listens once the socket is closed
        with ks.Session.connect(f"http://127.0.0.1:{port}", token="t", deadline=10) as session:
            with self.assertRaises(ks.Unavailable) as caught:
                session.whoami()
        self.assertIn(f"127.0.0.1:{port}", caught.exception.message)


class JobsTest(CoordinatorTestCase):
    def test_batch_job_round_trip(self):
        name = unique("squares")
        job = self.admin.submit_job("SELECT range AS i, range * range AS sq FROM range(5) ORDER BY i", name=name)
        self.assertEqual((job.name, job.kind, job.submitted_by), (name, "batch", "service"))
        self.assertIn(job.state, ("queued", "running", "succeeded"))

        seen = []
        done = self.admin.wait_for_job(job.id, timeout=60, on_progress=seen.append)
        self.assertEqual(done.state, "succeeded", done.error)
        self.assertTrue(done.is_terminal)
        self.assertEqual(done.row_count, 5)
        self.assertIsNotNone(done.finished_at)
        self.assertEqual(seen[-1], done)

        page = self.reader.job_result(job.id, limit=2)
        self.assertEqual(page.column_names, ["i", "sq"])
        self.assertEqual(page.rows, [(0, 0), (1, 1)])
        self.assertEqual((page.total_rows, page.offset, page.next_offset), (5, 0, 2))
        last = self.reader.job_result(job.id, offset=4)
        self.assertEqual((last.rows, last.next_offset), ([(4, 16)], None))
        self.assertEqual(list(self.reader.iter_job_result(job.id, page_size=2)), [(i, i * i) for i in range(5)])

        self.assertEqual(self.reader.get_job(job.id), done)
        listed = self.reader.list_jobs(state="succeeded", page_size=100)
        self.assertIn(job.id, [j.id for j in listed])

    def test_cancelling_a_finished_job_is_a_conflict(self):
        job = self.admin.wait_for_job(self.admin.submit_job("SELECT 1").id, timeout=60)
        with self.assertRaises(ks.Conflict) as caught:
            self.admin.cancel_job(job.id)
        self.assertEqual(caught.exception.code, grpc.StatusCode.FAILED_PRECONDITION)

    def test_request_id_returns_the_same_job(self):
        key = unique("key")
        first = self.admin.submit_job("SELECT 2", request_id=key)
        second = self.admin.submit_job("SELECT 2", request_id=key)
        self.assertEqual(first.id, second.id)

    def test_list_jobs_pages(self):
        for _ in range(3):
            self.admin.submit_job("SELECT 3")
        page = self.reader.list_jobs(page_size=2)
        self.assertEqual(len(page.jobs), 2)
        self.assertIsNotNone(page.next_page_token)
        following = self.reader.list_jobs(page_size=2, page_token=page.next_page_token)
        self.assertFalse({j.id for j in page} & {j.id for j in following})

    def test_reader_cannot_submit(self):
        with self.assertRaises(ks.PermissionDenied):
            self.reader.submit_job("SELECT 1")


class StreamsTest(CoordinatorTestCase):
    def test_append_decimal_and_big_ints_then_read_back(self):
        name = unique("payments")
        stream = self.admin.create_stream(
            name,
            {"id": "BIGINT", "amount": "DECIMAL(38,10)", "wide": "DECIMAL(38,0)", "note": "VARCHAR"},
        )
        self.assertEqual(
            [(c.name, c.type) for c in stream.columns],
            [("id", "BIGINT"), ("amount", "DECIMAL(38,10)"), ("wide", "DECIMAL(38,0)"), ("note", "VARCHAR")],
        )
        self.assertEqual((stream.record_count, stream.last_offset, stream.created_by), (0, 0, "service"))

        outcome = self.admin.append_records(
            name,
            [
                {"id": BIG, "amount": DECIMAL, "wide": 2**70, "note": "exact"},
                {"id": 2**63 - 1, "amount": decimal.Decimal("-0.0000000001"), "wide": -(10**37)},
                {"id": -(2**63), "amount": decimal.Decimal("1E+3"), "wide": None, "note": None},
            ],
        )
        self.assertEqual(outcome, ks.AppendOutcome(name, 3, 1, 3))

        rows = self.reader.sql(f"SELECT _offset, id, amount, wide, note FROM {name} ORDER BY _offset").rows
        self.assertEqual(
            rows,
            [
                (1, BIG, "1234567890123456789012345678.0123456789", str(2**70), "exact"),
                (2, 2**63 - 1, "-0.0000000001", str(-(10**37)), None),
                (3, -(2**63), "1000.0000000000", None, None),
            ],
        )
        self.assertEqual(decimal.Decimal(rows[0][2]), DECIMAL)
        # Exact on the engine side too: no double ever held these numbers.
        exact = self.reader.sql(
            f"SELECT count(*) FROM {name} WHERE id = {BIG} AND amount = {DECIMAL}::DECIMAL(38,10)"
        ).scalar()
        self.assertEqual(exact, 1)

        after = self.reader.get_stream(name)
        self.assertEqual((after.record_count, after.last_offset), (3, 3))
        self.assertIn(name, [s.name for s in self.reader.list_streams()])

    def test_a_rejected_append_stores_nothing(self):
        name = unique("events")
        self.admin.create_stream(name, [("page", "VARCHAR"), ks.Column("n", "INTEGER")])
        with self.assertRaises(ks.InvalidArgument) as caught:
            self.admin.append_records(name, [{"page": "/a", "n": 1}, {"page": "/b", "n": "many"}])
        self.assertIn("record 1", caught.exception.message)
        self.assertEqual(self.admin.get_stream(name).record_count, 0)

    def test_a_value_the_sdk_cannot_send_is_refused_before_sending(self):
        with self.assertRaises(ks.InvalidArgument) as caught:
            self.admin.append_records(unique("never"), [{"tags": ["a", "b"]}])
        self.assertIn("record 0, field tags", caught.exception.message)

    def test_duplicate_stream_is_a_conflict(self):
        name = unique("dup")
        self.admin.create_stream(name, {"v": "INTEGER"})
        with self.assertRaises(ks.Conflict) as caught:
            self.admin.create_stream(name, {"v": "INTEGER"})
        self.assertIsInstance(caught.exception, ks.AlreadyExists)

    def test_reader_cannot_write_streams(self):
        with self.assertRaises(ks.PermissionDenied):
            self.reader.create_stream(unique("nope"), {"v": "INTEGER"})

    def test_unknown_stream_is_not_found(self):
        with self.assertRaises(ks.NotFound):
            self.reader.get_stream(unique("missing"))


class StreamingJobTest(CoordinatorTestCase):
    def test_streaming_job_savepoint_and_restore(self):
        stream, sink = unique("clicks"), unique("per_page")
        self.admin.create_stream(stream, {"page": "VARCHAR", "amount": "DECIMAL(12,2)"})
        job = self.admin.submit_job(
            f"SELECT page, count(*) AS views, sum(amount) AS total FROM {stream} GROUP BY page",
            name=unique("views"),
            kind="streaming",
            sink=sink,
        )
        self.assertEqual((job.kind, job.sink), ("streaming", sink))

        self.admin.append_records(
            stream,
            [
                {"page": "/a", "amount": decimal.Decimal("1.50")},
                {"page": "/a", "amount": decimal.Decimal("2.25")},
                {"page": "/b", "amount": None},
            ],
        )
        query = f"SELECT page, views, total FROM {sink} ORDER BY page"
        eventually(lambda: self.reader.sql(query).rows == [("/a", 2, "3.75"), ("/b", 1, None)])
        running = eventually(lambda: (lambda j: j if j.records_processed == 3 else None)(self.admin.get_job(job.id)))
        self.assertEqual((running.state, running.offset, running.lag), ("running", 3, 0))

        with self.assertRaises(ks.AlreadyExists):
            self.admin.submit_job(f"SELECT page FROM {stream}", kind="streaming", sink=sink)

        savepoint = self.admin.trigger_savepoint(job.id, label="before-upgrade", stop=True, request_id=unique("sp"))
        self.assertEqual((savepoint.job_id, savepoint.label), (job.id, "before-upgrade"))
        savepoint = self.admin.wait_for_savepoint(savepoint.id, timeout=30)
        self.assertEqual(savepoint.state, "completed", savepoint.error)
        self.assertEqual(savepoint.offsets, {stream: 3})
        self.assertEqual([s.id for s in self.reader.list_savepoints(job.id)], [savepoint.id])
        self.assertEqual(self.reader.get_savepoint(savepoint.id), savepoint)
        self.assertEqual(self.admin.wait_for_job(job.id, timeout=30).state, "cancelled")

        restored = self.admin.restore_job(savepoint.id, name=unique("views-restored"))
        self.assertEqual((restored.restored_from, restored.sink), (savepoint.id, sink))
        self.admin.append_records(stream, [{"page": "/b", "amount": "3"}])
        eventually(lambda: self.reader.sql(query).rows == [("/a", 2, "3.75"), ("/b", 2, "3.00")])

        self.assertEqual(self.admin.cancel_job(restored.id).state, "cancelled")
        with self.assertRaises(ks.PermissionDenied):
            self.reader.delete_savepoint(savepoint.id)
        self.assertEqual(self.admin.delete_savepoint(savepoint.id).id, savepoint.id)
        with self.assertRaises(ks.NotFound):
            self.admin.get_savepoint(savepoint.id)

    def test_savepoint_of_a_batch_job_is_a_conflict(self):
        job = self.admin.wait_for_job(self.admin.submit_job("SELECT 1").id, timeout=60)
        with self.assertRaises(ks.Conflict):
            self.admin.trigger_savepoint(job.id)


class ExecutorsTest(CoordinatorTestCase):
    def test_list_get_drain_resume(self):
        executors = self.reader.list_executors()
        self.assertGreaterEqual(len(executors), 1)
        first = executors[0]
        self.assertEqual(self.reader.get_executor(first.id).id, first.id)
        self.assertGreaterEqual(first.slots, 1)
        with self.assertRaises(ks.PermissionDenied):
            self.reader.drain_executor(first.id)
        try:
            self.assertIn(self.admin.drain_executor(first.id).state, ("draining", "drained"))
        finally:
            self.assertEqual(self.admin.resume_executor(first.id).state, "active")

    def test_unknown_executor_is_not_found(self):
        with self.assertRaises(ks.NotFound):
            self.reader.get_executor("no-such-executor")


@needs_coordinator
class FromEnvTest(unittest.TestCase):
    """Session.from_env() and Session.connect(url) find the token as the CLI does."""

    def setUp(self):
        self.cwd = tempfile.TemporaryDirectory()
        self.addCleanup(self.cwd.cleanup)
        # A clean environment: no KRISHIV_* variable of the caller leaks in.
        clean = {k: v for k, v in os.environ.items() if not k.startswith("KRISHIV_")}
        patcher = mock.patch.dict(os.environ, clean, clear=True)
        patcher.start()
        self.addCleanup(patcher.stop)
        os.environ["KRISHIV_COORDINATOR"] = COORDINATOR
        os.environ["KRISHIV_DATA_DIR"] = self.cwd.name  # no dev-token file there (yet)

    def whoami(self, session):
        with session:
            return session.whoami()

    def test_bearer_token_variable(self):
        os.environ["KRISHIV_COORDINATOR_BEARER_TOKEN"] = ADMIN_TOKEN
        self.assertEqual(self.whoami(ks.Session.from_env()).method, "service-token")

    def test_oidc_token_variable_wins(self):
        os.environ["KRISHIV_OIDC_TOKEN"] = READER_TOKEN
        os.environ["KRISHIV_COORDINATOR_BEARER_TOKEN"] = ADMIN_TOKEN
        self.assertEqual(self.whoami(ks.Session.from_env()).role, "reader")

    def test_connect_without_a_token_reads_the_environment(self):
        os.environ["KRISHIV_OIDC_TOKEN"] = READER_TOKEN
        self.assertEqual(self.whoami(ks.Session.connect(COORDINATOR)).subject, "ui")

    def test_local_dev_token_file(self):
        with open(os.path.join(self.cwd.name, "dev-token"), "w") as f:
            f.write(ADMIN_TOKEN + "\n")
        self.assertEqual(self.whoami(ks.Session.from_env()).role, "admin")

    def test_no_token_anywhere(self):
        with self.assertRaises(ks.NotAuthenticated):
            self.whoami(ks.Session.from_env())


if __name__ == "__main__":
    unittest.main()
