#!/usr/bin/env bash
# Installs everything the tests need on a fresh machine, then runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null \
      || echo "course-assistant: could not install chromium; browser tests will say why" >&2
  else
    echo "course-assistant: chromium not found and not root: browser tests will skip (and fail under CI)" >&2
  fi
fi
# The conversation-log tests start their own PostgreSQL server (Debian's postgresql package).
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null \
      || echo "course-assistant: could not install postgresql; its tests will say why" >&2
  else
    echo "course-assistant: postgresql not found and not root: its tests will skip (and fail under CI)" >&2
  fi
fi
exec python3 -m pytest "$@"
