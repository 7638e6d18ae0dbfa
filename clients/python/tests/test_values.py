"""Value encoding and decoding, without a coordinator."""

import datetime
import decimal
import enum
import unittest

import grpc

import krishiv as ks
from krishiv._proto import common_pb2
from krishiv._values import decode_row, decode_value, encode_record, encode_value


def kind(value):
    return value.WhichOneof("kind")


class EncodeValueTest(unittest.TestCase):
    def test_none_is_null(self):
        self.assertEqual(kind(encode_value(None, "f")), "null_value")

    def test_bool_is_not_an_int(self):
        v = encode_value(True, "f")
        self.assertEqual((kind(v), v.bool_value), ("bool_value", True))

    def test_int64_travels_as_int_value(self):
        for n in (0, -1, 9007199254740993, 2**63 - 1, -(2**63)):
            v = encode_value(n, "f")
            self.assertEqual((kind(v), v.int_value), ("int_value", n))

    def test_ints_beyond_int64_travel_as_exact_text(self):
        for n in (2**63, -(2**63) - 1, 10**30):
            v = encode_value(n, "f")
            self.assertEqual((kind(v), v.string_value), ("string_value", str(n)))

    def test_int_enum_is_an_int(self):
        class Level(enum.IntEnum):
            HIGH = 3

        v = encode_value(Level.HIGH, "f")
        self.assertEqual((kind(v), v.int_value), ("int_value", 3))

    def test_decimal_travels_as_exact_positional_text(self):
        cases = {
            "1234567890123456789012345678.0123456789": "1234567890123456789012345678.0123456789",
            "1.50": "1.50",
            "-0.001": "-0.001",
            "1E+3": "1000",
            "1.5E-7": "0.00000015",
        }
        for given, sent in cases.items():
            v = encode_value(decimal.Decimal(given), "f")
            self.assertEqual((kind(v), v.string_value), ("string_value", sent), given)

    def test_decimal_nan_and_infinity_are_refused(self):
        for text in ("NaN", "Infinity", "-Infinity"):
            with self.assertRaises(ks.InvalidArgument) as caught:
                encode_value(decimal.Decimal(text), "record 0, field amount")
            self.assertEqual(caught.exception.code, grpc.StatusCode.INVALID_ARGUMENT)
            self.assertIn("record 0, field amount", caught.exception.message)

    def test_float_str_bytes(self):
        self.assertEqual(encode_value(1.25, "f").double_value, 1.25)
        self.assertEqual(encode_value("héllo", "f").string_value, "héllo")
        for blob in (b"\x00\xff", bytearray(b"\x00\xff"), memoryview(b"\x00\xff")):
            v = encode_value(blob, "f")
            self.assertEqual((kind(v), v.bytes_value), ("bytes_value", b"\x00\xff"))

    def test_dates_and_times_travel_as_iso_8601(self):
        utc = datetime.timezone.utc
        self.assertEqual(
            encode_value(datetime.datetime(2026, 11, 28, 10, 0, 5, tzinfo=utc), "f").string_value,
            "2026-11-28T10:00:05+00:00",
        )
        self.assertEqual(encode_value(datetime.date(2026, 11, 28), "f").string_value, "2026-11-28")
        self.assertEqual(encode_value(datetime.time(10, 30), "f").string_value, "10:30:00")

    def test_unsupported_values_are_refused_naming_the_field(self):
        for value in ([1], {"a": 1}, object()):
            with self.assertRaises(ks.InvalidArgument) as caught:
                encode_value(value, "record 2, field tags")
            self.assertIn("record 2, field tags", str(caught.exception))

    def test_encode_record(self):
        record = encode_record({"id": 2**63 - 1, "amount": decimal.Decimal("1.10"), "note": None}, 0)
        self.assertEqual(record.fields["id"].int_value, 2**63 - 1)
        self.assertEqual(record.fields["amount"].string_value, "1.10")
        self.assertEqual(kind(record.fields["note"]), "null_value")
        with self.assertRaises(ks.InvalidArgument) as caught:
            encode_record(["not", "a", "mapping"], 4)
        self.assertIn("record 4", caught.exception.message)


class DecodeValueTest(unittest.TestCase):
    def test_each_kind(self):
        V = common_pb2.Value
        self.assertIsNone(decode_value(V(null_value=True)))
        self.assertIsNone(decode_value(V()))
        self.assertIs(decode_value(V(bool_value=False)), False)
        self.assertEqual(decode_value(V(int_value=-(2**63))), -(2**63))
        self.assertIsInstance(decode_value(V(int_value=42)), int)
        self.assertEqual(decode_value(V(double_value=0.5)), 0.5)
        self.assertEqual(decode_value(V(string_value="12.30")), "12.30")
        self.assertEqual(decode_value(V(bytes_value=b"\x01")), b"\x01")

    def test_row(self):
        row = common_pb2.Row(values=[common_pb2.Value(int_value=1), common_pb2.Value(null_value=True)])
        self.assertEqual(decode_row(row), (1, None))


if __name__ == "__main__":
    unittest.main()
