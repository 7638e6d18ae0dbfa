"""What the coordinator answers, as plain Python objects (the proto messages, in snake_case).

Timestamps are RFC 3339 strings as the coordinator sends them; fields the coordinator did not set
are None.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional, Tuple

from ._values import decode_row

JOB_STATES = ("queued", "running", "succeeded", "failed", "cancelled")
TERMINAL_JOB_STATES = ("succeeded", "failed", "cancelled")
JOB_KINDS = ("batch", "streaming")
SAVEPOINT_STATES = ("pending", "completed", "failed")
EXECUTOR_STATES = ("active", "draining", "drained", "lost", "removed")


def _opt(value: str) -> Optional[str]:
    """Proto3 strings cannot be absent: empty means "not set"."""
    return value or None


def _opt_int(message: Any, name: str) -> Optional[int]:
    return getattr(message, name) if message.HasField(name) else None


@dataclass(frozen=True)
class Column:
    name: str
    type: str


def _columns(wire: Any) -> List[Column]:
    return [Column(c.name, c.type) for c in wire]


class _Rows:
    """Rows as tuples in column order; ``dicts()`` gives them keyed by column name."""

    columns: List[Column]
    rows: List[Tuple[Any, ...]]

    @property
    def column_names(self) -> List[str]:
        return [c.name for c in self.columns]

    def dicts(self) -> List[Dict[str, Any]]:
        names = self.column_names
        return [dict(zip(names, row)) for row in self.rows]

    def scalar(self) -> Any:
        """The first value of the first row (None when there are no rows)."""
        return self.rows[0][0] if self.rows and self.rows[0] else None

    def __iter__(self) -> Iterator[Tuple[Any, ...]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class QueryResult(_Rows):
    """The answer of :meth:`Session.sql`. ``truncated`` is True when ``max_rows`` cut it short."""

    columns: List[Column]
    rows: List[Tuple[Any, ...]]
    row_count: int
    truncated: bool
    elapsed_ms: float

    @classmethod
    def from_wire(cls, wire: Any) -> "QueryResult":
        return cls(
            columns=_columns(wire.columns),
            rows=[decode_row(r) for r in wire.rows],
            row_count=wire.row_count,
            truncated=wire.truncated,
            elapsed_ms=wire.elapsed_ms,
        )


@dataclass(frozen=True)
class JobResultPage(_Rows):
    """One page of a succeeded job's result; ``next_offset`` is None on the last page."""

    columns: List[Column]
    rows: List[Tuple[Any, ...]]
    total_rows: int
    offset: int
    next_offset: Optional[int]

    @classmethod
    def from_wire(cls, wire: Any) -> "JobResultPage":
        return cls(
            columns=_columns(wire.columns),
            rows=[decode_row(r) for r in wire.rows],
            total_rows=wire.total_rows,
            offset=wire.offset,
            next_offset=_opt_int(wire, "next_offset"),
        )


@dataclass(frozen=True)
class WhoAmI:
    subject: str
    #: ``reader``, ``writer``, ``admin``, or None for a token with no recognised role.
    role: Optional[str]
    #: ``oidc``, ``service-token``, ``ui-token`` or ``anonymous``.
    method: str
    issuer: Optional[str] = None
    expires_at: Optional[str] = None

    @classmethod
    def from_wire(cls, wire: Any) -> "WhoAmI":
        return cls(
            subject=wire.subject,
            role=_opt(wire.role),
            method=wire.method,
            issuer=_opt(wire.issuer),
            expires_at=_opt(wire.expires_at),
        )


@dataclass(frozen=True)
class CanIAnswer:
    """Whether the caller may perform an action; true in a boolean context when allowed."""

    action: str
    allowed: bool
    required_role: Optional[str]
    role: Optional[str]
    reason: str

    def __bool__(self) -> bool:
        return self.allowed

    @classmethod
    def from_wire(cls, wire: Any) -> "CanIAnswer":
        return cls(
            action=wire.action,
            allowed=wire.allowed,
            required_role=_opt(wire.required_role),
            role=_opt(wire.role),
            reason=wire.reason,
        )


@dataclass(frozen=True)
class Job:
    id: str
    name: str
    #: ``batch`` or ``streaming``.
    kind: str
    sql: str
    #: ``queued``, ``running``, ``succeeded``, ``failed`` or ``cancelled``.
    state: str
    submitted_by: str
    submitted_at: str
    started_at: Optional[str] = None
    finished_at: Optional[str] = None
    executor_id: Optional[str] = None
    error: Optional[str] = None
    row_count: Optional[int] = None
    restored_from: Optional[str] = None
    sink: Optional[str] = None
    cancelled_by: Optional[str] = None
    timeout_ms: Optional[int] = None
    #: Streaming jobs: the last stream offset folded into the sink (0 before the first batch).
    offset: Optional[int] = None
    #: Streaming jobs: records appended to the stream that the sink does not include yet.
    lag: Optional[int] = None
    #: Streaming jobs: records folded into the sink so far.
    records_processed: Optional[int] = None
    #: Streaming jobs: when the last micro-batch committed.
    last_batch_at: Optional[str] = None

    @property
    def is_terminal(self) -> bool:
        """True once the job succeeded, failed or was cancelled."""
        return self.state in TERMINAL_JOB_STATES

    @classmethod
    def from_wire(cls, wire: Any) -> "Job":
        return cls(
            id=wire.id,
            name=wire.name,
            kind=wire.kind,
            sql=wire.sql,
            state=wire.state,
            submitted_by=wire.submitted_by,
            submitted_at=wire.submitted_at,
            started_at=_opt(wire.started_at),
            finished_at=_opt(wire.finished_at),
            executor_id=_opt(wire.executor_id),
            error=_opt(wire.error),
            row_count=_opt_int(wire, "row_count"),
            restored_from=_opt(wire.restored_from),
            sink=_opt(wire.sink),
            cancelled_by=_opt(wire.cancelled_by),
            timeout_ms=_opt_int(wire, "timeout_ms"),
            offset=_opt_int(wire, "offset"),
            lag=_opt_int(wire, "lag"),
            records_processed=_opt_int(wire, "records_processed"),
            last_batch_at=_opt(wire.last_batch_at),
        )


@dataclass(frozen=True)
class JobPage:
    """One page of jobs, newest first; pass ``next_page_token`` as ``page_token`` for the next
    (None on the last page)."""

    jobs: List[Job]
    next_page_token: Optional[str] = None

    def __iter__(self) -> Iterator[Job]:
        return iter(self.jobs)

    def __len__(self) -> int:
        return len(self.jobs)


@dataclass(frozen=True)
class Savepoint:
    id: str
    job_id: str
    #: ``pending``, ``completed`` or ``failed``.
    state: str
    created_at: str
    completed_at: Optional[str] = None
    location: Optional[str] = None
    #: Stream name → the last offset the saved state includes.
    offsets: Dict[str, int] = field(default_factory=dict)
    error: Optional[str] = None
    label: Optional[str] = None

    @property
    def is_settled(self) -> bool:
        """True once the savepoint completed or failed."""
        return self.state in ("completed", "failed")

    @classmethod
    def from_wire(cls, wire: Any) -> "Savepoint":
        return cls(
            id=wire.id,
            job_id=wire.job_id,
            state=wire.state,
            created_at=wire.created_at,
            completed_at=_opt(wire.completed_at),
            location=_opt(wire.location),
            offsets=dict(wire.offsets),
            error=_opt(wire.error),
            label=_opt(wire.label),
        )


@dataclass(frozen=True)
class Executor:
    id: str
    #: ``active``, ``draining``, ``drained``, ``lost`` or ``removed``.
    state: str
    slots: int
    running_jobs: int
    last_heartbeat_at: str
    host: str

    @classmethod
    def from_wire(cls, wire: Any) -> "Executor":
        return cls(
            id=wire.id,
            state=wire.state,
            slots=wire.slots,
            running_jobs=wire.running_jobs,
            last_heartbeat_at=wire.last_heartbeat_at,
            host=wire.host,
        )


@dataclass(frozen=True)
class Stream:
    """An append-only table whose records carry consecutive offsets from 1."""

    name: str
    columns: List[Column]
    record_count: int
    #: 0 while the stream is empty.
    last_offset: int
    created_by: str
    created_at: str

    @classmethod
    def from_wire(cls, wire: Any) -> "Stream":
        return cls(
            name=wire.name,
            columns=_columns(wire.columns),
            record_count=wire.record_count,
            last_offset=wire.last_offset,
            created_by=wire.created_by,
            created_at=wire.created_at,
        )


@dataclass(frozen=True)
class AppendOutcome:
    """What one append did: every record was stored, with offsets first_offset…last_offset."""

    stream: str
    appended: int
    first_offset: int
    last_offset: int

    @classmethod
    def from_wire(cls, wire: Any) -> "AppendOutcome":
        return cls(
            stream=wire.stream,
            appended=wire.appended,
            first_offset=wire.first_offset,
            last_offset=wire.last_offset,
        )
