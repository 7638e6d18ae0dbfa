#!/usr/bin/env bash
# Regenerates the gRPC stubs in krishiv/_proto/ from proto/ (see scripts/gen_python.py for the
# compilers it tries). Runs with Debian's /usr/bin/python3 when present, so the generated code is
# checked against the grpc/protobuf runtime the tests use; set PYTHON to use another interpreter.
#   clients/python/generate.sh [--check] [--compiler protoc|grpc_tools]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ -z ${PYTHON:-} ]]; then
  if [[ -x /usr/bin/python3 ]]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
fi
export PYTHONDONTWRITEBYTECODE=1
exec "$PYTHON" "$here/scripts/gen_python.py" "$@"
