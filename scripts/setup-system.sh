#!/usr/bin/env bash
# System packages some tests use: Debian's chromium (headless report check).
# Installs them when missing and we are root; otherwise those tests skip with a message.
set -uo pipefail
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  (apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core) >/tmp/newsetl-apt.log 2>&1 \
    || echo "note: could not install chromium (see /tmp/newsetl-apt.log); the browser test will skip" >&2
else
  echo "note: chromium not installed and not root; the browser test will skip" >&2
fi
exit 0
