"""Coordinator URL, token lookup and error types, without a coordinator."""

import os
import tempfile
import unittest

import grpc

import krishiv as ks
from krishiv.errors import error_from_status


class ParseUrlTest(unittest.TestCase):
    def test_schemes(self):
        self.assertEqual(ks.parse_coordinator_url("http://127.0.0.1:50051"), ("127.0.0.1:50051", False))
        self.assertEqual(ks.parse_coordinator_url("grpc://coord:50051/"), ("coord:50051", False))
        self.assertEqual(ks.parse_coordinator_url("https://coord.example.com:50051"), ("coord.example.com:50051", True))
        self.assertEqual(ks.parse_coordinator_url(" grpcs://[::1]:50051 "), ("[::1]:50051", True))

    def test_anything_else_is_invalid(self):
        for url in ("127.0.0.1:50051", "ftp://x:1", "http://x:1/path", ""):
            with self.assertRaises(ks.InvalidArgument, msg=url):
                ks.parse_coordinator_url(url)

    def test_ca_with_a_plaintext_url_is_refused(self):
        with self.assertRaises(ks.InvalidArgument):
            ks.Session.connect("http://127.0.0.1:1", token="t", ca=b"-----BEGIN CERTIFICATE-----")

    def test_unreadable_ca_file(self):
        with self.assertRaises(ks.InvalidArgument) as caught:
            ks.Session.connect("https://127.0.0.1:1", token="t", ca="/nonexistent/ca.pem")
        self.assertIn("/nonexistent/ca.pem", caught.exception.message)


class ClientEnvironmentTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def test_defaults(self):
        env = ks.client_environment({}, cwd=self.dir.name)
        self.assertEqual(env.coordinator, "http://127.0.0.1:50051")
        self.assertIsNone(env.token)

    def test_oidc_token_first_then_bearer_token(self):
        both = {"KRISHIV_OIDC_TOKEN": " oidc ", "KRISHIV_COORDINATOR_BEARER_TOKEN": "svc"}
        env = ks.client_environment(both, cwd=self.dir.name)
        self.assertEqual((env.token, env.token_source), ("oidc", "KRISHIV_OIDC_TOKEN"))
        env = ks.client_environment({"KRISHIV_OIDC_TOKEN": "  ", "KRISHIV_COORDINATOR_BEARER_TOKEN": "svc"}, cwd=self.dir.name)
        self.assertEqual((env.token, env.token_source), ("svc", "KRISHIV_COORDINATOR_BEARER_TOKEN"))

    def test_dev_token_file_last(self):
        os.makedirs(os.path.join(self.dir.name, ".krishiv"))
        with open(os.path.join(self.dir.name, ".krishiv", "dev-token"), "w") as f:
            f.write("dev\n")
        env = ks.client_environment({"KRISHIV_COORDINATOR": "https://c:1"}, cwd=self.dir.name)
        self.assertEqual((env.coordinator, env.token), ("https://c:1", "dev"))
        self.assertTrue(env.token_source.endswith(os.path.join(".krishiv", "dev-token")))
        self.assertNotIn("dev", repr(env).replace("dev-token", ""))

    def test_dev_token_under_data_dir(self):
        with open(os.path.join(self.dir.name, "dev-token"), "w") as f:
            f.write("from-data-dir")
        env = ks.client_environment({"KRISHIV_DATA_DIR": self.dir.name}, cwd="/")
        self.assertEqual(env.token, "from-data-dir")


class ErrorTypesTest(unittest.TestCase):
    def test_codes_map_to_classes(self):
        S = grpc.StatusCode
        cases = {
            S.UNAUTHENTICATED: ks.NotAuthenticated,
            S.PERMISSION_DENIED: ks.PermissionDenied,
            S.INVALID_ARGUMENT: ks.InvalidArgument,
            S.NOT_FOUND: ks.NotFound,
            S.FAILED_PRECONDITION: ks.Conflict,
            S.ALREADY_EXISTS: ks.AlreadyExists,
            S.RESOURCE_EXHAUSTED: ks.ResourceExhausted,
            S.DEADLINE_EXCEEDED: ks.DeadlineExceeded,
            S.UNAVAILABLE: ks.Unavailable,
            S.INTERNAL: ks.KrishivError,
        }
        for code, cls in cases.items():
            err = error_from_status(code, "m")
            self.assertIs(type(err), cls)
            self.assertIsInstance(err, ks.KrishivError)
            self.assertEqual(err.code, code)
            self.assertEqual(err.code_value, code.value[0])
            self.assertEqual(err.code_name, code.name)
        self.assertIsInstance(error_from_status(S.ALREADY_EXISTS, "m"), ks.Conflict)
        self.assertEqual(error_from_status(S.PERMISSION_DENIED, "m").code_value, 7)
        self.assertEqual(str(error_from_status(S.NOT_FOUND, "no job")), "NOT_FOUND: no job")


if __name__ == "__main__":
    unittest.main()
