#!/usr/bin/env bash
# Stops with a clear message when the interpreter is missing or too old (tinhso needs Python 3.11+).
set -euo pipefail
py="${1:-python3}"
if ! command -v "$py" >/dev/null 2>&1; then
  echo "Không tìm thấy $py (cần Python 3.11 trở lên) / $py not found (Python 3.11+ is required)." >&2
  if [ "$(id -u)" = 0 ]; then
    echo "Đang cài / installing: apt-get install -y python3 python3-venv" >&2
    apt-get update -qq && apt-get install -y -qq python3 python3-venv >/dev/null
  else
    echo "Chạy / run: sudo apt-get install -y python3 python3-venv" >&2
    exit 1
  fi
fi
if ! "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "$py là $("$py" --version 2>&1); tinhso cần Python 3.11 trở lên / tinhso needs Python 3.11+." >&2
  echo "Chọn trình thông dịch khác / pick another interpreter: make run PYTHON=python3.11" >&2
  exit 1
fi
if ! "$py" -c 'import venv, ensurepip' 2>/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
  else
    echo "Thiếu mô-đun venv / the venv module is missing. Chạy / run: sudo apt-get install -y python3-venv" >&2
    exit 1
  fi
fi
