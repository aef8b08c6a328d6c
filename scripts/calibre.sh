#!/usr/bin/env bash
# Installs Calibre from Debian for the Calibre tests (tests/integration/calibre.rs) if
# `ebook-convert` is missing. Without recommends: 109 packages, about 120 MB to fetch
# instead of 233 packages and 200 MB (scipy, matplotlib, udisks2 … that conversion
# never loads); measured on Debian 12. Exits non-zero when Calibre is still unusable,
# and the tests then fail, because scripts/test.sh sets FICBIND_REQUIRE_CALIBRE.
set -euo pipefail

if ! command -v ebook-convert >/dev/null; then
    echo "installing Calibre (Debian, no recommends) for the Calibre tests" >&2
    start=$SECONDS
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends calibre >/dev/null
    echo "Calibre installed in $((SECONDS - start)) s" >&2
fi
QT_QPA_PLATFORM=offscreen ebook-convert --version | head -n 1 >&2
