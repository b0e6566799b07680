"""Test-wide setup: an isolated data directory and test-mode settings, before Django loads."""

import os
import tempfile

os.environ["TINHSO_TESTING"] = "true"
os.environ.setdefault("TINHSO_DATA_DIR", tempfile.mkdtemp(prefix="tinhso-test-"))
os.environ.pop("TINHSO_SECRET_KEY", None)
