"""Conversion between Python values and the wire ``Value`` (proto/krishiv/coordinator/v1/query.proto), without rounding."""

from __future__ import annotations

import datetime
import decimal
from typing import Any, Mapping

import grpc

from ._proto import common_pb2, streams_pb2
from .errors import InvalidArgument

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


def decode_value(value: common_pb2.Value) -> Any:
    """A wire value as Python: ints as int, doubles as float, strings (also DECIMAL, HUGEINT and
    date/time types, exact), bytes, booleans; null (or no value) as None."""
    kind = value.WhichOneof("kind")
    if kind == "int_value":
        return value.int_value
    if kind == "string_value":
        return value.string_value
    if kind == "double_value":
        return value.double_value
    if kind == "bool_value":
        return value.bool_value
    if kind == "bytes_value":
        return value.bytes_value
    return None


def decode_row(row: common_pb2.Row) -> tuple:
    return tuple(decode_value(v) for v in row.values)


def _describe(value: Any) -> str:
    return f"a {type(value).__name__}"


def encode_value(value: Any, where: str) -> common_pb2.Value:
    """A Python value as a wire value: None, bool, int (int64 as int_value, wider as exact text),
    float, decimal.Decimal (exact text), str, bytes/bytearray/memoryview, datetime/date/time
    (ISO 8601)."""
    if value is None:
        return common_pb2.Value(null_value=True)
    if isinstance(value, bool):  # before int: bool is an int subclass
        return common_pb2.Value(bool_value=value)
    if isinstance(value, int):
        value = int(value)  # IntEnum and other int subclasses
        if INT64_MIN <= value <= INT64_MAX:
            return common_pb2.Value(int_value=value)
        return common_pb2.Value(string_value=str(value))
    if isinstance(value, float):
        return common_pb2.Value(double_value=value)
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise InvalidArgument(
                grpc.StatusCode.INVALID_ARGUMENT, f"{where}: cannot send the Decimal {value}"
            )
        # Positional notation (never 1E+3): the coordinator parses DECIMAL text digit by digit.
        return common_pb2.Value(string_value=format(value, "f"))
    if isinstance(value, str):
        return common_pb2.Value(string_value=value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return common_pb2.Value(bytes_value=bytes(value))
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return common_pb2.Value(string_value=value.isoformat())
    raise InvalidArgument(
        grpc.StatusCode.INVALID_ARGUMENT,
        f"{where}: cannot send {_describe(value)}; use None, bool, int, float, Decimal, str, "
        "bytes, datetime, date or time",
    )


def encode_record(record: Any, index: int) -> streams_pb2.StreamRecord:
    if not isinstance(record, Mapping):
        raise InvalidArgument(
            grpc.StatusCode.INVALID_ARGUMENT,
            f"record {index}: expected a mapping of field values, got {_describe(record)}",
        )
    out = streams_pb2.StreamRecord()
    for field, value in record.items():
        if not isinstance(field, str):
            raise InvalidArgument(
                grpc.StatusCode.INVALID_ARGUMENT,
                f"record {index}: field names must be strings, got {_describe(field)}",
            )
        out.fields[field].CopyFrom(encode_value(value, f"record {index}, field {field}"))
    return out
