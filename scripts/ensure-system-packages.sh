#!/usr/bin/env bash
# Makes sure the Debian packages that tinhso's tools need are installed.
#
#   scripts/ensure-system-packages.sh <binary-or-path>=<debian-package> ...
#
#   initdb=postgresql              a command: looked up on PATH, then in /usr/lib/postgresql/*/bin
#                                  (Debian keeps the server programs off PATH) and /usr/sbin, /sbin
#   /usr/bin/chromium=chromium     a path (may contain a glob): it must exist
#   pdftoppm=poppler-utils         ...
#
# For each one that is missing: as root, `apt-get update` (once) and
# `apt-get install -y --no-install-recommends` of the missing packages, then check again;
# as another user, print the exact command to run and exit 1 (nothing is installed).
# Service start-ups triggered by the packages (Debian's postgresql creates and starts a
# default cluster) are denied during the install through a temporary policy-rc.d.
#
# TINHSO_NO_SYSTEM_INSTALL=1 makes root behave like another user (report, don't install).
set -euo pipefail

usage() {
  echo "usage: $0 <binary-or-path>=<debian-package> ..." >&2
  exit 2
}
[ "$#" -gt 0 ] || usage

present() {
  local what="$1" dir match
  if [[ "$what" == */* ]]; then
    # A path, possibly a glob: present when at least one match exists.
    for match in $what; do
      [ -e "$match" ] && return 0
    done
    return 1
  fi
  command -v "$what" >/dev/null 2>&1 && return 0
  # Where a command may live besides PATH (expanded at each call: an install adds directories).
  for dir in /usr/lib/postgresql/*/bin /usr/local/sbin /usr/sbin /sbin; do
    [ -x "$dir/$what" ] && return 0
  done
  return 1
}

missing_items=()
missing_packages=()
for spec in "$@"; do
  if [[ "$spec" != *=* || -z "${spec%%=*}" || -z "${spec#*=}" ]]; then
    echo "$0: '$spec' không đúng dạng / is not of the form <binary-or-path>=<debian-package>" >&2
    usage
  fi
  item="${spec%%=*}"
  package="${spec#*=}"
  if ! present "$item"; then
    missing_items+=("$item")
    if [[ " ${missing_packages[*]-} " != *" $package "* ]]; then
      missing_packages+=("$package")
    fi
  fi
done

[ "${#missing_packages[@]}" -eq 0 ] && exit 0

install_cmd="apt-get install -y ${missing_packages[*]}"

if [ "$(id -u)" != 0 ] || [ "${TINHSO_NO_SYSTEM_INSTALL:-}" = 1 ] || ! command -v apt-get >/dev/null 2>&1; then
  {
    echo "Thiếu chương trình hệ thống / missing system programs: ${missing_items[*]}"
    if command -v apt-get >/dev/null 2>&1; then
      echo "Hãy cài bằng lệnh / install them with:"
      echo
      echo "    sudo apt-get update && sudo $install_cmd"
      echo
    else
      echo "Hãy cài các gói Debian tương ứng / install the equivalent of the Debian packages:" \
        "${missing_packages[*]}"
    fi
    echo "rồi chạy lại / then run again."
  } >&2
  exit 1
fi

echo "Đang cài / installing: ${missing_packages[*]} (thiếu / missing: ${missing_items[*]})" >&2

log="$(mktemp -t tinhso-apt.XXXXXX)"
policy=/usr/sbin/policy-rc.d
policy_backup=""
restore_policy() {
  if [ -n "$policy_backup" ]; then
    mv -f "$policy_backup" "$policy"
  else
    rm -f "$policy"
  fi
}
cleanup() {
  restore_policy
  rm -f "$log"
}

# Deny service starts while installing (exit 101 = "action forbidden by policy").
if [ -e "$policy" ]; then
  policy_backup="$(mktemp /usr/sbin/.policy-rc.d.tinhso.XXXXXX)"
  cp -p "$policy" "$policy_backup"
fi
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
printf '#!/bin/sh\n# temporary, written by tinhso scripts/ensure-system-packages.sh\nexit 101\n' >"$policy"
chmod 755 "$policy"

export DEBIAN_FRONTEND=noninteractive
apt_opts=(-o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
if ! apt-get "${apt_opts[@]}" update -qq </dev/null >"$log" 2>&1; then
  cat "$log" >&2
  echo "apt-get update thất bại / failed." >&2
  exit 1
fi
if ! apt-get "${apt_opts[@]}" install -y -qq --no-install-recommends "${missing_packages[@]}" \
  </dev/null >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "Cài đặt thất bại / installation failed: ${missing_packages[*]}" >&2
  exit 1
fi

still_missing=()
for item in "${missing_items[@]}"; do
  present "$item" || still_missing+=("$item")
done
if [ "${#still_missing[@]}" -gt 0 ]; then
  tail -n 20 "$log" >&2
  echo "Đã cài ${missing_packages[*]} nhưng vẫn thiếu / installed, but still missing:" \
    "${still_missing[*]}" >&2
  exit 1
fi
echo "Đã cài / installed: ${missing_packages[*]}" >&2
