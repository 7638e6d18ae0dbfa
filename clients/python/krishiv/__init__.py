"""Python SDK of the Krishiv coordinator.

    import krishiv as ks

    session = ks.Session.connect("http://127.0.0.1:50051", token="…")   # or ks.Session.from_env()
    result = session.sql("SELECT 42 AS answer")
    result.column_names, result.rows, result.dicts()    # ['answer'], [(42,)], [{'answer': 42}]

Errors are exceptions carrying the gRPC status code: ks.NotAuthenticated, ks.PermissionDenied,
ks.InvalidArgument, ks.NotFound, ks.Conflict (ks.AlreadyExists), … all ks.KrishivError with .code.
"""

from ._env import DEFAULT_COORDINATOR, ClientEnvironment, client_environment, parse_coordinator_url
from .errors import (
    AlreadyExists,
    Conflict,
    DeadlineExceeded,
    InvalidArgument,
    KrishivError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ResourceExhausted,
    Unavailable,
)
from .models import (
    EXECUTOR_STATES,
    JOB_KINDS,
    JOB_STATES,
    SAVEPOINT_STATES,
    TERMINAL_JOB_STATES,
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
from .session import DEFAULT_DEADLINE, Session

__version__ = "0.1.0"

__all__ = [
    "Session",
    "DEFAULT_COORDINATOR",
    "DEFAULT_DEADLINE",
    "ClientEnvironment",
    "client_environment",
    "parse_coordinator_url",
    "KrishivError",
    "NotAuthenticated",
    "PermissionDenied",
    "InvalidArgument",
    "NotFound",
    "Conflict",
    "AlreadyExists",
    "ResourceExhausted",
    "DeadlineExceeded",
    "Unavailable",
    "QueryResult",
    "JobResultPage",
    "Column",
    "WhoAmI",
    "CanIAnswer",
    "Job",
    "JobPage",
    "Savepoint",
    "Executor",
    "Stream",
    "AppendOutcome",
    "JOB_STATES",
    "TERMINAL_JOB_STATES",
    "JOB_KINDS",
    "SAVEPOINT_STATES",
    "EXECUTOR_STATES",
    "__version__",
]
