#!/usr/bin/env bash
# What `make test` runs (and CI, through .ci/run). Stops at the first failing step:
#   1. system packages (PostgreSQL server programs) - first, so a missing one is known at once
#   2. ruff check, ruff format --check
#   3. mypy tinhso
#   4. makemigrations --check (no model change without its migration)
#   5. check --deploy with production-like settings
#   6. the test suite on SQLite, then on a throwaway PostgreSQL cluster (scripts/pg_cluster.py)
# Extra pytest arguments: PYTEST_ARGS="-k agency -x" make test
# The caller's TINHSO_* (but TINHSO_PG_*), DATABASE_URL and PG* variables are ignored, so that a
# run here is a run as in CI. See docs/development.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BIN=.venv/bin
if [ ! -x "$BIN/pytest" ] || [ ! -x "$BIN/tinhso" ]; then
  echo "Chưa có môi trường ảo / no virtualenv in .venv: chạy / run 'make test' (or 'make install')." >&2
  exit 1
fi

scripts/ensure-system-packages.sh initdb=postgresql pdftotext=poppler-utils zbarimg=zbar-tools chromium=chromium msgfmt=gettext

# Ignore the caller's settings (the harness's own TINHSO_PG_* knobs are kept).
while IFS= read -r name; do
  unset "$name"
done < <(compgen -e | grep -E '^(TINHSO_[A-Z0-9_]*|DATABASE_URL|DJANGO_SETTINGS_MODULE|PG[A-Z]+)$' |
  grep -vE '^(TINHSO_PG_[A-Z_]+|TINHSO_NO_SYSTEM_INSTALL)$' || true)

work="$(mktemp -d -t tinhso-test.XXXXXX)"
current=""
step_started=$SECONDS
timings=()

finish() {
  local rc=$?
  rm -rf "$work"
  if [ "$rc" -ne 0 ] && [ -n "$current" ]; then
    printf '\n== THẤT BẠI / FAILED: %s (exit %s) ==\n' "$current" "$rc" >&2
  fi
  exit "$rc"
}
trap finish EXIT

step() {
  if [ -n "$current" ]; then
    timings+=("$current: $((SECONDS - step_started))s")
  fi
  current="$1"
  step_started=$SECONDS
  printf '\n== %s ==\n' "$current"
}

step "Lint (ruff)"
lint_ok=true
"$BIN/ruff" check --output-format=concise . || lint_ok=false
"$BIN/ruff" format --check --output-format=concise . || lint_ok=false
if [ "$lint_ok" = false ]; then
  echo "Sửa / fix: make format (ruff --fix và định dạng / and formatting), rồi xem lại / then review." >&2
  exit 1
fi

step "Types (mypy)"
# The django-stubs plugin imports the settings: give them a development environment.
TINHSO_DEBUG=true TINHSO_DATA_DIR="$work/mypy" "$BIN/mypy" tinhso

step "Migrations (makemigrations --check)"
TINHSO_DEBUG=true TINHSO_DATA_DIR="$work/migrations" \
  "$BIN/tinhso" makemigrations --check --dry-run

step "Deploy check (check --deploy)"
secret="$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(48)[:50])')"
TINHSO_DEBUG=false TINHSO_SECRET_KEY="$secret" TINHSO_HTTPS=true \
  TINHSO_ALLOWED_HOSTS=example.gov.vn TINHSO_DATA_DIR="$work/deploy" \
  "$BIN/tinhso" check --deploy --fail-level WARNING

# PYTEST_ARGS is split like a shell command line (quotes work: PYTEST_ARGS="-k 'not slow'").
pytest_args=()
if [ -n "${PYTEST_ARGS:-}" ]; then
  "$BIN/python" -c 'import shlex, sys; print("".join(a + "\0" for a in shlex.split(sys.argv[1])), end="")' \
    "$PYTEST_ARGS" >"$work/pytest-args"
  mapfile -d '' -t pytest_args <"$work/pytest-args"
fi
if [ -t 1 ]; then
  pytest_args=(--color=yes "${pytest_args[@]}")
fi

# run_suite NAME COMMAND...: run, keep the output in $work/NAME.log, explain exit code 5.
run_suite() {
  local name="$1" rc=0
  shift
  "$@" 2>&1 | tee "$work/$name.log" || rc=$?
  if [ "$rc" -eq 5 ]; then
    echo "pytest không chạy test nào / collected no tests (exit 5): kiểm tra / check PYTEST_ARGS." >&2
  fi
  return "$rc"
}

# The closing line of a pytest log ("12 passed, 1 skipped in 3.2s"), without colours and rulers.
summary_of() {
  sed -e 's/\x1b\[[0-9;]*m//g' "$work/$1.log" |
    grep -E '(passed|failed|skipped|deselected|errors?|no tests ran).* in [0-9.]+s( \([0-9:]+\))?( =+)?$' |
    tail -n 1 | sed -E 's/^=+ //; s/ =+$//' || true
}

# A count from a pytest summary ("12 passed, 1 skipped in 3.2s" -> 12 for "passed").
count_of() {
  local n
  n="$(grep -oE "[0-9]+ $2" <<<"$1" | grep -oE '^[0-9]+' || true)"
  echo "${n:-0}"
}

# Each suite run gets its own data directory, removed at the end (the tinhso.testing pytest
# plugin sets the same variables when pytest is run by hand).
step "SQLite"
run_suite sqlite env TINHSO_TESTING=true TINHSO_DATA_DIR="$work/data-sqlite" \
  "$BIN/pytest" "${pytest_args[@]}"

step "PostgreSQL"
run_suite postgresql env TINHSO_TESTING=true TINHSO_DATA_DIR="$work/data-postgresql" \
  "$BIN/python" scripts/pg_cluster.py run -- "$BIN/pytest" "${pytest_args[@]}"

timings+=("$current: $((SECONDS - step_started))s")
current=""
sqlite="$(summary_of sqlite)"
postgresql="$(summary_of postgresql)"
passed=$(($(count_of "$sqlite" passed) + $(count_of "$postgresql" passed)))
failed=$(($(count_of "$sqlite" failed) + $(count_of "$postgresql" failed)))
skipped=$(($(count_of "$sqlite" skipped) + $(count_of "$postgresql" skipped)))

printf '\n== Tóm tắt / Summary ==\n'
printf '  %s\n' "${timings[@]}"
echo "SQLite:     $sqlite"
echo "PostgreSQL: $postgresql"
echo "total: $passed passed, $failed failed, $skipped skipped"
