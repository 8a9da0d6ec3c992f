#!/usr/bin/env bash
# Installs Debian's Chromium and chromedriver for the examples module's end-to-end tests.
# The tests use /usr/bin/chromium and /usr/bin/chromedriver and never download a browser.
# Idempotent: does nothing when both are present and their major versions agree.
set -euo pipefail

have_both() {
  command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || return 1
  local b d
  b="$(chromium --version 2>/dev/null | grep -oE '[0-9]+' | head -1 || true)"
  d="$(chromedriver --version 2>/dev/null | grep -oE '[0-9]+' | head -1 || true)"
  [ -n "$b" ] && [ "$b" = "$d" ]
}

if have_both; then
  echo "install-browser: $(chromium --version) / $(chromedriver --version | head -1) already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends chromium chromium-driver fonts-dejavu-core

if ! have_both; then
  echo "install-browser: chromium or chromedriver missing or mismatched after install" >&2
  exit 1
fi
echo "install-browser: installed $(chromium --version) / $(chromedriver --version | head -1)"
