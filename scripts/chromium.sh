#!/usr/bin/env bash
# Makes a Chromium available for the browser tests (__tests__/web) and `npm run bench:web`, idempotently:
#   - CHROMIUM_PATH set, or /usr/bin/chromium present: nothing to do.
#   - otherwise, as root with apt-get, installs Debian's `chromium` package (one time).
#   - where it cannot be installed, says so loudly; the browser tests then skip with the same message,
#     except under CI=true, where this script fails (CI never runs without its browser tests).
# Everything it prints goes to stderr.
set -euo pipefail

say() { echo "[chromium.sh] $*" >&2; }
BROWSER="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [ -x "$BROWSER" ]; then
  exit 0
fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  say "installing Debian's chromium with apt-get (one time)"
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2 && [ -x "$BROWSER" ]; then
    exit 0
  fi
fi

message="no Chromium at ${BROWSER} and it could not be installed (needs root and apt-get, or set CHROMIUM_PATH)"
if [ "${CI:-}" = "true" ]; then
  say "ERROR: ${message}: CI must run the browser tests"
  exit 1
fi
say "WARNING: ${message}: THE BROWSER TESTS WILL BE SKIPPED"
