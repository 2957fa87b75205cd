#!/usr/bin/env bash
# Installs everything the tests need on a fresh machine, then runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'
# Debian packages the tests start for real: chromium (the widget), redis-server (shared state),
# nginx (the documented proxy in front of two servers).
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >/dev/null \
      || echo "course-assistant: could not install ${missing[*]}; the tests needing them will say why" >&2
  else
    echo "course-assistant: ${missing[*]} not found and not root: the tests needing them will skip (and fail under CI)" >&2
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
