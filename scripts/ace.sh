#!/usr/bin/env bash
# Ace by DAISY over books built from the samples and fixture series (and the samples
# as KEPUBs): fails on any accessibility violation. Installs Chromium (Debian) and Ace
# (npm) if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

ACE_VERSION=1.4.6
TOOLS="${FICBIND_TOOLS:-$PWD/.tools}"
ACE="$TOOLS/ace/node_modules/.bin/ace-cli"

if ! command -v chromium >/dev/null; then
    echo "installing Chromium for Ace" >&2
    if ! { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }; then
        echo "ace.sh: NOT RUN — Chromium could not be installed (no package registry?)" >&2
        exit 0
    fi
fi
if [ ! -x "$ACE" ]; then
    echo "installing Ace by DAISY $ACE_VERSION" >&2
    mkdir -p "$TOOLS/ace"
    if ! PUPPETEER_SKIP_DOWNLOAD=1 npm install --silent --no-audit --no-fund --prefix "$TOOLS/ace" "@daisy/ace-cli@$ACE_VERSION" >&2; then
        echo "ace.sh: NOT RUN — Ace could not be installed from npm" >&2
        exit 0
    fi
fi

# `ace.sh --install` only installs the tools (scripts/test.sh runs it in the background
# while the Rust code compiles).
if [ "${1:-}" = "--install" ]; then
    exit 0
fi

cargo build --quiet --locked
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=0
for dir in samples/* tests/fixtures/series/*; do
    for format in epub kepub; do
        name="$(basename "$dir")"
        if [ "$format" = kepub ]; then
            # The samples as KEPUBs too: Kobo's spans and divs must cost nothing.
            [[ "$dir" == samples/* ]] || continue
            name="$name-kepub"
        fi
        SOURCE_DATE_EPOCH=1790000000 target/debug/ficbind build -q --format "$format" "$dir" -o "$work/$name.epub" 2>/dev/null
        PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium "$ACE" --silent --force --outdir "$work/$name" "$work/$name.epub" >/dev/null 2>&1 || true
        if ! python3 - "$work/$name/report.json" "$name" <<'PY'
import json, sys
path, name = sys.argv[1], sys.argv[2]
try:
    report = json.load(open(path))
except OSError:
    print(f"ace: {name}: Ace wrote no report", file=sys.stderr)
    sys.exit(1)
violations = [
    f"{a['earl:testSubject']['url']}: {x['earl:test']['dct:title']} ({x['earl:test']['earl:impact']})"
    for a in report.get("assertions", []) for x in a.get("assertions", [])
]
outcome = report["earl:result"]["earl:outcome"]
print(f"ace: {name}: {outcome}, {len(violations)} violation(s)", file=sys.stderr)
for v in violations:
    print(f"    {v}", file=sys.stderr)
sys.exit(0 if outcome == "pass" and not violations else 1)
PY
        then
            failed=1
        fi
    done
done
if [ "$failed" -ne 0 ]; then
    echo "Ace by DAISY found violations" >&2
    exit 1
fi
echo "Ace by DAISY: every book passes" >&2
