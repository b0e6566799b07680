"""pytest plugin (loaded with ``-p tinhso.testing`` from pyproject) that prepares the environment
before pytest-django loads the settings: test mode and an isolated, throw-away data directory."""

import atexit
import os
import shutil
import tempfile

os.environ["TINHSO_TESTING"] = "true"
os.environ.pop("TINHSO_SECRET_KEY", None)
os.environ.pop("TINHSO_SECRET_KEY_FILE", None)
if "TINHSO_DATA_DIR" not in os.environ:
    _data_dir = tempfile.mkdtemp(prefix="tinhso-test-")
    os.environ["TINHSO_DATA_DIR"] = _data_dir
    atexit.register(shutil.rmtree, _data_dir, ignore_errors=True)
