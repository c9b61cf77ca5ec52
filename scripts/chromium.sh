#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (apps/web) when it is missing, then prints its
# path. Safe to run again: an installed Chromium is left alone. Playwright's own browser download
# cannot work on a closed network, so the tests drive this one through playwright-core.
set -euo pipefail
bin=/usr/lib/chromium/chromium
if [ ! -x "$bin" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "[chromium] $bin is missing; run as root (or: sudo apt-get install -y chromium)" >&2
    exit 1
  fi
  echo "[chromium] installing Debian's chromium (~480 MB, about a minute)" >&2
  export DEBIAN_FRONTEND=noninteractive
  # A fresh machine may have no package lists yet; refresh them only when the install needs it.
  apt-get install -y -q --no-install-recommends chromium >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends chromium >/dev/null; }
  test -x "$bin" || { echo "[chromium] install finished but $bin is missing" >&2; exit 1; }
fi
echo "$bin"
