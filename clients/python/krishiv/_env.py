"""How a client on this machine finds the coordinator and its token (like the `krishiv` CLI)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Mapping, Optional, Tuple

import grpc

from .errors import InvalidArgument

DEFAULT_COORDINATOR = "http://127.0.0.1:50051"
DEV_TOKEN_FILE = "dev-token"
TOKEN_VARIABLES = ("KRISHIV_OIDC_TOKEN", "KRISHIV_COORDINATOR_BEARER_TOKEN")

_URL = re.compile(r"^(https?|grpcs?)://([^/]+)/?$")


@dataclass(frozen=True)
class ClientEnvironment:
    """The coordinator URL, the token (None when there is none) and where the token came from."""

    coordinator: str
    token: Optional[str] = None
    token_source: Optional[str] = None

    def __repr__(self) -> str:  # never print the token itself
        token = "None" if self.token is None else "'***'"
        return (
            f"ClientEnvironment(coordinator={self.coordinator!r}, token={token}, "
            f"token_source={self.token_source!r})"
        )


def client_environment(
    env: Optional[Mapping[str, str]] = None, cwd: Optional[str] = None
) -> ClientEnvironment:
    """``KRISHIV_COORDINATOR`` (default ``http://127.0.0.1:50051``), and a token from
    ``KRISHIV_OIDC_TOKEN``, else ``KRISHIV_COORDINATOR_BEARER_TOKEN``, else the local development
    token in ``<KRISHIV_DATA_DIR or ./.krishiv>/dev-token``."""
    env = os.environ if env is None else env
    coordinator = (env.get("KRISHIV_COORDINATOR") or "").strip() or DEFAULT_COORDINATOR
    for name in TOKEN_VARIABLES:
        value = (env.get(name) or "").strip()
        if value:
            return ClientEnvironment(coordinator, value, name)
    data_dir = (env.get("KRISHIV_DATA_DIR") or "").strip() or ".krishiv"
    path = os.path.join(os.path.abspath(os.path.join(cwd or os.getcwd(), data_dir)), DEV_TOKEN_FILE)
    try:
        with open(path, encoding="utf-8") as handle:
            token = handle.read().strip()
    except OSError:
        token = ""  # no development token on this machine
    if token:
        return ClientEnvironment(coordinator, token, path)
    return ClientEnvironment(coordinator)


def parse_coordinator_url(url: str) -> Tuple[str, bool]:
    """``http://``/``grpc://`` → plaintext, ``https://``/``grpcs://`` → TLS; returns
    ``(host:port, tls)``."""
    match = _URL.match(url.strip()) if isinstance(url, str) else None
    if not match:
        raise InvalidArgument(
            grpc.StatusCode.INVALID_ARGUMENT,
            f'"{url}" is not a coordinator URL; use http://host:50051 or https://host:50051',
        )
    return match.group(2), match.group(1) in ("https", "grpcs")
