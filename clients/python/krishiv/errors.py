"""Errors raised by the SDK. Every one carries the gRPC status code of the failure."""

from __future__ import annotations

from typing import Dict, Optional, Type

import grpc

__all__ = [
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
    "error_from_status",
]


class KrishivError(Exception):
    """An error answered by the coordinator (or found before sending), with its gRPC status code.

    ``code`` is a :class:`grpc.StatusCode`; ``code_value`` its number (e.g. 7) and ``code_name``
    its name (e.g. ``"PERMISSION_DENIED"``); ``message`` the coordinator's message.
    """

    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def code_value(self) -> int:
        return self.code.value[0]

    @property
    def code_name(self) -> str:
        return self.code.name

    def __str__(self) -> str:
        return f"{self.code_name}: {self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code_name}, {self.message!r})"


class NotAuthenticated(KrishivError):
    """No token, or one the coordinator refused (UNAUTHENTICATED, HTTP 401)."""


class PermissionDenied(KrishivError):
    """Authenticated, but the role is too low or missing (PERMISSION_DENIED, HTTP 403)."""


class InvalidArgument(KrishivError):
    """A malformed request, an SQL error, or a value that cannot be sent (INVALID_ARGUMENT, HTTP 400)."""


class NotFound(KrishivError):
    """No such job, savepoint, executor or stream (NOT_FOUND, HTTP 404)."""


class Conflict(KrishivError):
    """A state conflict, e.g. cancelling a finished job (FAILED_PRECONDITION, HTTP 409); also the
    base of :class:`AlreadyExists`."""


class AlreadyExists(Conflict):
    """The name is taken (ALREADY_EXISTS, HTTP 409)."""


class ResourceExhausted(KrishivError):
    """The request is too large (HTTP 413) or the coordinator's data dir is out of space (HTTP 507);
    both are RESOURCE_EXHAUSTED."""


class DeadlineExceeded(KrishivError):
    """The query or call ran out of time (DEADLINE_EXCEEDED, HTTP 504)."""


class Unavailable(KrishivError):
    """The coordinator cannot be reached, or is shutting down (UNAVAILABLE)."""


_BY_CODE: Dict[grpc.StatusCode, Type[KrishivError]] = {
    grpc.StatusCode.UNAUTHENTICATED: NotAuthenticated,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDenied,
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgument,
    grpc.StatusCode.NOT_FOUND: NotFound,
    grpc.StatusCode.FAILED_PRECONDITION: Conflict,
    grpc.StatusCode.ALREADY_EXISTS: AlreadyExists,
    grpc.StatusCode.RESOURCE_EXHAUSTED: ResourceExhausted,
    grpc.StatusCode.DEADLINE_EXCEEDED: DeadlineExceeded,
    grpc.StatusCode.UNAVAILABLE: Unavailable,
}


def error_from_status(code: Optional[grpc.StatusCode], message: str) -> KrishivError:
    """The exception class for a gRPC status code (:class:`KrishivError` for the others)."""
    code = code or grpc.StatusCode.UNKNOWN
    return _BY_CODE.get(code, KrishivError)(code, message)
