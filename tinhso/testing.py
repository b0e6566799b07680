"""pytest plugin (loaded with ``-p tinhso.testing`` from pyproject) that prepares the environment
before pytest-django loads the settings: test mode and an isolated, throw-away data directory."""

import os
import tempfile

os.environ["TINHSO_TESTING"] = "true"
os.environ.setdefault("TINHSO_DATA_DIR", tempfile.mkdtemp(prefix="tinhso-test-"))
os.environ.pop("TINHSO_SECRET_KEY", None)
os.environ.pop("TINHSO_SECRET_KEY_FILE", None)
