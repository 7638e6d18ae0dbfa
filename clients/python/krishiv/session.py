"""A typed client of the coordinator's gRPC API (package ``krishiv.coordinator.v1``)."""

from __future__ import annotations

import os
import time
from typing import Any, Callable, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

import grpc

from ._env import client_environment, parse_coordinator_url
from ._proto import (
    auth_pb2,
    auth_pb2_grpc,
    common_pb2,
    executors_pb2,
    executors_pb2_grpc,
    jobs_pb2,
    jobs_pb2_grpc,
    query_pb2,
    query_pb2_grpc,
    streams_pb2,
    streams_pb2_grpc,
)
from ._values import encode_record
from .errors import InvalidArgument, error_from_status
from .models import (
    AppendOutcome,
    CanIAnswer,
    Column,
    Executor,
    Job,
    JobPage,
    JobResultPage,
    QueryResult,
    Savepoint,
    Stream,
    WhoAmI,
)

#: A CA certificate: PEM bytes, PEM text, or the path of a PEM file.
CA = Union[bytes, str, "os.PathLike[str]"]

#: Stream columns: ``{"name": "type", …}``, or a sequence of ``Column``, ``(name, type)`` pairs or
#: ``{"name": …, "type": …}`` mappings.
Columns = Union[Mapping[str, str], Sequence[Union[Column, Tuple[str, str], Mapping[str, str]]]]

DEFAULT_DEADLINE = 330.0
"""Default deadline of each call in seconds: the coordinator's longest query timeout and a margin."""


def _read_ca(ca: CA) -> bytes:
    if isinstance(ca, bytes):
        return ca
    if isinstance(ca, str) and "-----BEGIN" in ca:
        return ca.encode("ascii")
    try:
        with open(ca, "rb") as handle:
            return handle.read()
    except OSError as err:
        raise InvalidArgument(
            grpc.StatusCode.INVALID_ARGUMENT, f"cannot read the CA certificate {ca!s}: {err.strerror}"
        ) from None


def _stream_columns(columns: Columns) -> List[common_pb2.Column]:
    items: Iterable[Any] = columns.items() if isinstance(columns, Mapping) else columns
    out = []
    for index, column in enumerate(items):
        if isinstance(column, Column):
            name, type_ = column.name, column.type
        elif isinstance(column, Mapping):
            name, type_ = column.get("name"), column.get("type")
        elif isinstance(column, (tuple, list)) and len(column) == 2:
            name, type_ = column
        else:
            name = type_ = None
        if not isinstance(name, str) or not isinstance(type_, str):
            raise InvalidArgument(
                grpc.StatusCode.INVALID_ARGUMENT,
                f"column {index}: expected a name and a type, e.g. ('amount', 'DECIMAL(12,2)')",
            )
        out.append(common_pb2.Column(name=name, type=type_))
    return out


class Session:
    """A connection to one coordinator. Thread-safe; close it (or use ``with``) when done.

    >>> import krishiv as ks
    >>> with ks.Session.connect("http://127.0.0.1:50051", token="…") as session:
    ...     session.sql("SELECT 42 AS answer").rows
    [(42,)]
    """

    def __init__(
        self,
        url: str,
        channel: grpc.Channel,
        token: Optional[str],
        deadline: float,
    ) -> None:
        self.url = url
        self._channel = channel
        self._token = token
        self._deadline = deadline
        self._auth = auth_pb2_grpc.AuthServiceStub(channel)
        self._query = query_pb2_grpc.QueryServiceStub(channel)
        self._jobs = jobs_pb2_grpc.JobServiceStub(channel)
        self._executors = executors_pb2_grpc.ExecutorServiceStub(channel)
        self._streams = streams_pb2_grpc.StreamServiceStub(channel)

    # --- connecting ----------------------------------------------------------------------------

    @classmethod
    def connect(
        cls,
        url: str,
        token: Optional[str] = None,
        ca: Optional[CA] = None,
        *,
        deadline: float = DEFAULT_DEADLINE,
        options: Optional[Sequence[Tuple[str, Any]]] = None,
    ) -> "Session":
        """Connects to the coordinator at ``url``: ``http://``/``grpc://`` for plaintext,
        ``https://``/``grpcs://`` for TLS (verified against ``ca`` when given, else the system's
        roots).

        ``token=None`` takes the token from ``KRISHIV_OIDC_TOKEN``, else
        ``KRISHIV_COORDINATOR_BEARER_TOKEN``, else the local development token
        (``<KRISHIV_DATA_DIR or ./.krishiv>/dev-token``); ``token=""`` sends none. ``deadline`` is
        the default time limit of each call in seconds; ``options`` are extra gRPC channel options.
        No connection is made until the first call.
        """
        target, tls = parse_coordinator_url(url)
        if token is None:
            token = client_environment().token
        token = (token or "").strip() or None
        if tls:
            credentials = grpc.ssl_channel_credentials(root_certificates=_read_ca(ca) if ca else None)
            channel = grpc.secure_channel(target, credentials, options=list(options or []))
        else:
            if ca is not None:
                raise InvalidArgument(
                    grpc.StatusCode.INVALID_ARGUMENT,
                    f"a CA certificate was given for {url}, which is plaintext; use https:// or grpcs://",
                )
            channel = grpc.insecure_channel(target, options=list(options or []))
        return cls(url.strip(), channel, token, deadline)

    @classmethod
    def from_env(
        cls,
        ca: Optional[CA] = None,
        *,
        deadline: float = DEFAULT_DEADLINE,
        options: Optional[Sequence[Tuple[str, Any]]] = None,
    ) -> "Session":
        """Connects as the ``krishiv`` CLI would: the coordinator from ``KRISHIV_COORDINATOR``
        (default ``http://127.0.0.1:50051``), the token from ``KRISHIV_OIDC_TOKEN``, else
        ``KRISHIV_COORDINATOR_BEARER_TOKEN``, else the local development token."""
        env = client_environment()
        return cls.connect(env.coordinator, env.token or "", ca, deadline=deadline, options=options)

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Session({self.url!r})"

    # --- auth ----------------------------------------------------------------------------------

    def whoami(self) -> WhoAmI:
        """Who the coordinator takes the caller for, and with which role."""
        return WhoAmI.from_wire(self._call(self._auth.WhoAmI, auth_pb2.WhoAmIRequest()))

    def can_i(self, action: str) -> CanIAnswer:
        """Whether the caller may perform ``action`` (e.g. ``query:write``); truthy when allowed."""
        return CanIAnswer.from_wire(self._call(self._auth.CanI, auth_pb2.CanIRequest(action=action)))

    # --- queries -------------------------------------------------------------------------------

    def sql(
        self, query: str, max_rows: Optional[int] = None, timeout_ms: Optional[int] = None
    ) -> QueryResult:
        """Runs SQL synchronously. Rows are tuples (``result.dicts()`` keys them by column name):
        integers as int, DOUBLE/FLOAT as float, BOOLEAN as bool, BLOB as bytes, NULL as None, and
        DECIMAL, HUGEINT, UBIGINT and date/time values as their exact text."""
        request = query_pb2.ExecuteQueryRequest(sql=query)
        if max_rows is not None:
            request.max_rows = max_rows
        if timeout_ms is not None:
            request.timeout_ms = timeout_ms
        deadline = timeout_ms / 1000 + 5 if timeout_ms else None
        return QueryResult.from_wire(self._call(self._query.ExecuteQuery, request, deadline))

    #: The name the TypeScript SDK uses.
    query = sql

    # --- jobs ----------------------------------------------------------------------------------

    def submit_job(
        self,
        sql: str,
        name: Optional[str] = None,
        kind: Optional[str] = None,
        sink: Optional[str] = None,
        timeout_ms: Optional[int] = None,
        request_id: Optional[str] = None,
    ) -> Job:
        """Submits a job; it is durably queued when this returns. ``kind="batch"`` (default) runs
        the SQL once; ``kind="streaming"`` folds one stream into the new table ``sink`` until it is
        cancelled or stopped (a taken sink name raises :class:`AlreadyExists`). The same
        ``request_id`` from the same caller returns the same job instead of a second one."""
        request = jobs_pb2.SubmitJobRequest(
            sql=sql, name=name or "", kind=kind or "", sink=sink or "", request_id=request_id or ""
        )
        if timeout_ms is not None:
            request.timeout_ms = timeout_ms
        return Job.from_wire(self._call(self._jobs.SubmitJob, request))

    def list_jobs(
        self,
        state: Optional[str] = None,
        kind: Optional[str] = None,
        submitted_by: Optional[str] = None,
        page_size: Optional[int] = None,
        page_token: Optional[str] = None,
    ) -> JobPage:
        """One page of jobs, newest first."""
        request = jobs_pb2.ListJobsRequest(
            state=state or "",
            kind=kind or "",
            submitted_by=submitted_by or "",
            page_size=page_size or 0,
            page_token=page_token or "",
        )
        wire = self._call(self._jobs.ListJobs, request)
        return JobPage([Job.from_wire(j) for j in wire.jobs], wire.next_page_token or None)

    def get_job(self, job_id: str) -> Job:
        return Job.from_wire(self._call(self._jobs.GetJob, jobs_pb2.GetJobRequest(id=job_id)))

    def job_result(self, job_id: str, offset: int = 0, limit: Optional[int] = None) -> JobResultPage:
        """A page of a succeeded job's result; follow ``next_offset`` for the rest (or use
        :meth:`iter_job_result`)."""
        request = jobs_pb2.GetJobResultRequest(id=job_id, offset=offset)
        if limit is not None:
            request.limit = limit
        return JobResultPage.from_wire(self._call(self._jobs.GetJobResult, request))

    def iter_job_result(self, job_id: str, page_size: Optional[int] = None) -> Iterator[tuple]:
        """Every row of a succeeded job's result, fetched page by page."""
        offset: Optional[int] = 0
        while offset is not None:
            page = self.job_result(job_id, offset, page_size)
            yield from page.rows
            offset = page.next_offset

    def cancel_job(self, job_id: str) -> Job:
        """Cancels a queued or running job; a finished one raises :class:`Conflict`."""
        return Job.from_wire(self._call(self._jobs.CancelJob, jobs_pb2.CancelJobRequest(id=job_id)))

    def wait_for_job(
        self,
        job_id: str,
        poll_interval: Optional[float] = None,
        timeout: Optional[float] = None,
        on_progress: Optional[Callable[[Job], None]] = None,
    ) -> Job:
        """Polls the job until it succeeded, failed or was cancelled, and returns it in that
        state (a failed job is returned, not raised: look at ``job.state`` and ``job.error``).

        By default polls quickly at first (0.1 s, growing to 1 s); ``timeout`` (seconds) raises
        :class:`TimeoutError` while the job keeps running; ``on_progress`` is called with the job
        after every poll."""
        return self._wait(self.get_job, job_id, lambda j: j.is_terminal, poll_interval, timeout, on_progress)

    # --- savepoints ----------------------------------------------------------------------------

    def trigger_savepoint(
        self,
        job_id: str,
        label: Optional[str] = None,
        stop: bool = False,
        request_id: Optional[str] = None,
    ) -> Savepoint:
        """Asks a running streaming job for a savepoint, taken between two micro-batches; returns
        it ``pending`` (:meth:`wait_for_savepoint` follows it). ``stop=True`` ends the job
        (``cancelled``) right after the savepoint completes."""
        request = jobs_pb2.TriggerSavepointRequest(
            job_id=job_id, label=label or "", stop=stop, request_id=request_id or ""
        )
        return Savepoint.from_wire(self._call(self._jobs.TriggerSavepoint, request))

    def list_savepoints(self, job_id: str) -> List[Savepoint]:
        """The savepoints of a job, newest first."""
        wire = self._call(self._jobs.ListSavepoints, jobs_pb2.ListSavepointsRequest(job_id=job_id))
        return [Savepoint.from_wire(s) for s in wire.savepoints]

    def get_savepoint(self, savepoint_id: str) -> Savepoint:
        return Savepoint.from_wire(
            self._call(self._jobs.GetSavepoint, jobs_pb2.SavepointRequest(id=savepoint_id))
        )

    def delete_savepoint(self, savepoint_id: str) -> Savepoint:
        """Deletes a completed or failed savepoint and its files; returns it as it was."""
        return Savepoint.from_wire(
            self._call(self._jobs.DeleteSavepoint, jobs_pb2.SavepointRequest(id=savepoint_id))
        )

    def restore_job(
        self, savepoint_id: str, name: Optional[str] = None, sink: Optional[str] = None
    ) -> Job:
        """Starts a new streaming job from a completed savepoint: its state is loaded into the
        sink (the original one by default) and the job continues from the saved offsets."""
        request = jobs_pb2.RestoreJobRequest(savepoint_id=savepoint_id, name=name or "", sink=sink or "")
        return Job.from_wire(self._call(self._jobs.RestoreJob, request))

    def wait_for_savepoint(
        self,
        savepoint_id: str,
        poll_interval: Optional[float] = None,
        timeout: Optional[float] = None,
        on_progress: Optional[Callable[[Savepoint], None]] = None,
    ) -> Savepoint:
        """Polls the savepoint until it completed or failed, and returns it in that state."""
        return self._wait(
            self.get_savepoint, savepoint_id, lambda s: s.is_settled, poll_interval, timeout, on_progress
        )

    # --- executors -----------------------------------------------------------------------------

    def list_executors(self) -> List[Executor]:
        wire = self._call(self._executors.ListExecutors, executors_pb2.ListExecutorsRequest())
        return [Executor.from_wire(e) for e in wire.executors]

    def get_executor(self, executor_id: str) -> Executor:
        return self._executor_call(self._executors.GetExecutor, executor_id)

    def drain_executor(self, executor_id: str) -> Executor:
        """Stops scheduling onto the executor; it is ``drained`` once its running jobs end."""
        return self._executor_call(self._executors.DrainExecutor, executor_id)

    def resume_executor(self, executor_id: str) -> Executor:
        return self._executor_call(self._executors.ResumeExecutor, executor_id)

    def remove_executor(self, executor_id: str) -> Executor:
        """Retires the executor for good; the jobs it was running are stopped."""
        return self._executor_call(self._executors.RemoveExecutor, executor_id)

    # --- streams -------------------------------------------------------------------------------

    def create_stream(self, name: str, columns: Columns) -> Stream:
        """Creates a stream, e.g. ``create_stream("clicks", {"page": "VARCHAR", "amount":
        "DECIMAL(12,2)"})``. Types: BOOLEAN, TINYINT, SMALLINT, INTEGER, BIGINT, FLOAT, DOUBLE,
        DECIMAL(p,s), VARCHAR, DATE, TIMESTAMP, TIMESTAMPTZ. A taken name raises :class:`Conflict`."""
        request = streams_pb2.CreateStreamRequest(name=name, columns=_stream_columns(columns))
        return Stream.from_wire(self._call(self._streams.CreateStream, request))

    def list_streams(self) -> List[Stream]:
        wire = self._call(self._streams.ListStreams, streams_pb2.ListStreamsRequest())
        return [Stream.from_wire(s) for s in wire.streams]

    def get_stream(self, name: str) -> Stream:
        return Stream.from_wire(self._call(self._streams.GetStream, streams_pb2.GetStreamRequest(name=name)))

    def append_records(self, name: str, records: Iterable[Mapping[str, Any]]) -> AppendOutcome:
        """Appends records (mappings of field → value) atomically: all of them, with consecutive
        offsets, or none (:class:`InvalidArgument` naming the record index and field).

        Values travel without rounding: int as a 64-bit integer (wider ones as exact text),
        ``decimal.Decimal`` as exact text, float, bool, str, bytes, None, and datetime/date/time
        as ISO 8601."""
        request = streams_pb2.AppendRecordsRequest(
            name=name, records=[encode_record(r, i) for i, r in enumerate(records)]
        )
        return AppendOutcome.from_wire(self._call(self._streams.AppendRecords, request))

    # --- internals -----------------------------------------------------------------------------

    def _executor_call(self, method: Any, executor_id: str) -> Executor:
        return Executor.from_wire(self._call(method, executors_pb2.ExecutorRequest(id=executor_id)))

    def _call(self, method: Any, request: Any, deadline: Optional[float] = None) -> Any:
        metadata = (("authorization", f"Bearer {self._token}"),) if self._token else None
        try:
            return method(request, timeout=deadline or self._deadline, metadata=metadata)
        except grpc.RpcError as err:
            code = err.code() if callable(getattr(err, "code", None)) else None
            details = err.details() if callable(getattr(err, "details", None)) else None
            message = details or str(err)
            if code == grpc.StatusCode.UNAVAILABLE:
                message = f"cannot reach the coordinator at {self.url}: {message}"
            raise error_from_status(code, message) from None

    @staticmethod
    def _wait(
        fetch: Callable[[str], Any],
        item_id: str,
        done: Callable[[Any], bool],
        poll_interval: Optional[float],
        timeout: Optional[float],
        on_progress: Optional[Callable[[Any], None]],
    ) -> Any:
        give_up = None if timeout is None else time.monotonic() + timeout
        delay = poll_interval if poll_interval is not None else 0.1
        while True:
            item = fetch(item_id)
            if on_progress is not None:
                on_progress(item)
            if done(item):
                return item
            if give_up is not None:
                left = give_up - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{item_id} is still {item.state} after {timeout} s")
                time.sleep(min(delay, left))
            else:
                time.sleep(delay)
            if poll_interval is None:
                delay = min(delay * 1.5, 1.0)


__all__ = ["Session", "DEFAULT_DEADLINE"]
