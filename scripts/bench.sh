#!/usr/bin/env bash
# End-to-end speed of ficbind against the tools people use instead, on one generated
# 1-million-word series (200 installments × 5,000 words), plus the deflate floor (the
# time just to compress ficbind's own rendered files with the same compressor on every
# core), the same book as a KEPUB (`--format kepub`, Kobo's spans) against the EPUB, and a
# 50-series batch against 50 one-by-one builds.
#
#     scripts/bench.sh            # everything; BENCH_DIR=/some/dir keeps the files
#
# Knobs (environment): N, W (series shape), MIN_RUNS/MAX_RUNS (hyperfine), PANDOC_RUNS, RSS_RUNS,
# FLOOR_RUNS, BATCH_SERIES, BATCH_N, BATCH_W, SKIP_CROWBOOK=1, SKIP_PANDOC=1, and
# BASELINE=/path/to/an/older/ficbind to time that build in the same run (before/after).
# Installs what it needs if missing: hyperfine and GNU time (apt), crowbook 0.17
# (cargo install, a few minutes), pandoc (pip install pypandoc-binary).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

N=${N:-200}
W=${W:-5000}
MIN_RUNS=${MIN_RUNS:-10}
MAX_RUNS=${MAX_RUNS:-20}
RSS_RUNS=${RSS_RUNS:-3}
FLOOR_RUNS=${FLOOR_RUNS:-15}
BATCH_SERIES=${BATCH_SERIES:-50}
BATCH_N=${BATCH_N:-20}
BATCH_W=${BATCH_W:-1000}
WORK=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/ficbind-bench.XXXXXX")}
mkdir -p "$WORK"
echo "working in $WORK" >&2

# ---- tools -------------------------------------------------------------------------
apt_install() {
    if command -v apt-get >/dev/null; then
        apt-get install -y "$@" >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y "$@" >/dev/null; }
    else
        echo "please install $*" >&2
        exit 1
    fi
}
command -v hyperfine >/dev/null || apt_install hyperfine
[ -x /usr/bin/time ] || apt_install time
export PATH="$HOME/.cargo/bin:$PATH"
if [ -z "${SKIP_CROWBOOK:-}" ] && ! command -v crowbook >/dev/null; then
    echo "installing crowbook 0.17 (a few minutes)" >&2
    cargo install crowbook --version '~0.17' --locked >&2
fi
PANDOC=""
if [ -z "${SKIP_PANDOC:-}" ]; then
    PANDOC=$(command -v pandoc || true)
    if [ -z "$PANDOC" ]; then
        python3 -c 'import pypandoc' 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check pypandoc-binary
        PANDOC=$(python3 -c 'import pypandoc; print(pypandoc.get_pandoc_path())')
    fi
fi

cargo build --release --locked --bin ficbind --example deflate_floor >&2
FICBIND=$ROOT/target/release/ficbind
FLOOR=$ROOT/target/release/examples/deflate_floor

# ---- inputs ------------------------------------------------------------------------
SERIES=$WORK/series
OUT=$WORK/out
mkdir -p "$OUT" "$WORK/md"
if [ ! -d "$SERIES" ] || [ ! -d "$WORK/chapters" ]; then
    rm -rf "$SERIES" "$WORK/chapters"
    python3 scripts/gen-series.py "$SERIES" -n "$N" -w "$W" \
        --markdown "$WORK/md/series.md" --book "$WORK/md/series.book" --epub-name crowbook.epub \
        --chapter-dir "$WORK/chapters"
fi

# ---- one book, side by side ----------------------------------------------------------
# ficbind makes a generated cover by default; crowbook and pandoc make none, so the
# table also shows ficbind without one.
#
# crowbook runs twice. Given the installments as chapters (one Markdown file each, listed
# in its .book file) it makes the book ficbind makes: one page and one contents entry
# per installment. Given the whole series as one Markdown file it makes a single 7 MB
# page with one contents entry, which is smaller (one deflate stream) but not the same
# book; it is timed for reference. pandoc splits its one file at each heading itself.
cmds=(-n ficbind "$FICBIND build -q $SERIES -o $OUT/ficbind.epub"
      -n "ficbind --no-cover" "$FICBIND build -q --no-cover $SERIES -o $OUT/ficbind-no-cover.epub"
      -n "ficbind --format kepub" "$FICBIND build -q --format kepub $SERIES -o $OUT/ficbind-format-kepub.epub")
if [ -n "${BASELINE:-}" ]; then
    cmds+=(-n "ficbind (baseline)" "$BASELINE build -q $SERIES -o $OUT/ficbind-baseline.epub")
fi
if [ -z "${SKIP_CROWBOOK:-}" ]; then
    # crowbook writes output.epub relative to the .book file.
    cmds+=(-n crowbook "cd $WORK/chapters && crowbook -q series.book"
           -n "crowbook, one file" "cd $WORK/md && crowbook -q series.book")
fi
{
    echo "ficbind  $("$FICBIND" --version 2>/dev/null || echo '?')"
    [ -z "${SKIP_CROWBOOK:-}" ] && echo "crowbook $(crowbook --version 2>/dev/null | head -1)"
    [ -n "$PANDOC" ] && echo "pandoc   $("$PANDOC" --version | head -1)"
    echo "hyperfine $(hyperfine --version)"
    echo "cores    $(nproc)"
    echo "series   $N installments × $W words ($(du -sb "$SERIES" | cut -f1) bytes)"
} >"$WORK/versions.txt"
hyperfine --warmup 1 --min-runs "$MIN_RUNS" --max-runs "$MAX_RUNS" --export-json "$WORK/times.json" "${cmds[@]}" >&2
# pandoc takes about a minute a run here: fewer runs, no warm-up, same script run.
if [ -n "$PANDOC" ]; then
    hyperfine --runs "${PANDOC_RUNS:-3}" --export-json "$WORK/times-pandoc.json" \
        -n pandoc "$PANDOC -o $OUT/pandoc.epub $WORK/md/series.md" >&2
fi
if [ -z "${SKIP_CROWBOOK:-}" ]; then
    cp "$WORK/chapters/crowbook.epub" "$OUT/crowbook.epub"
    cp "$WORK/md/crowbook.epub" "$OUT/crowbook-one-file.epub"
fi

# Peak RSS (KiB), the median of RSS_RUNS runs each.
peak_rss() {
    local name=$1
    shift
    for _ in $(seq "$RSS_RUNS"); do
        /usr/bin/time -f %M -o "$WORK/rss.tmp" bash -c "$*" >/dev/null 2>&1
        cat "$WORK/rss.tmp"
    done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}' >"$WORK/rss-$name.txt"
}
peak_rss ficbind "$FICBIND build -q $SERIES -o $OUT/ficbind.epub"
peak_rss ficbind-no-cover "$FICBIND build -q --no-cover $SERIES -o $OUT/ficbind-no-cover.epub"
peak_rss ficbind-format-kepub "$FICBIND build -q --format kepub $SERIES -o $OUT/ficbind-format-kepub.epub"
[ -n "${BASELINE:-}" ] && peak_rss ficbind-baseline "$BASELINE build -q $SERIES -o $OUT/ficbind-baseline.epub"
if [ -z "${SKIP_CROWBOOK:-}" ]; then
    peak_rss crowbook "cd $WORK/chapters && crowbook -q series.book"
    peak_rss crowbook-one-file "cd $WORK/md && crowbook -q series.book"
fi
[ -n "$PANDOC" ] && RSS_RUNS=1 peak_rss pandoc "$PANDOC -o $OUT/pandoc.epub $WORK/md/series.md"

# ---- the deflate floor ----------------------------------------------------------------
# For each of ficbind's books (with and without the cover), its own files.
for book in ficbind ficbind-no-cover; do
    rm -rf "$WORK/unzipped"
    python3 - "$OUT/$book.epub" "$WORK/unzipped" <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    # mimetype is stored, not deflated: it is not part of the compression work.
    z.extractall(sys.argv[2], [n for n in z.namelist() if n != "mimetype"])
EOF
    "$FLOOR" "$WORK/unzipped" "$FLOOR_RUNS" >"$WORK/floor-$book.txt"
done

# ---- the table ------------------------------------------------------------------------
python3 - "$WORK" <<'EOF'
import json, os, re, sys
work = sys.argv[1]
results = {r["command"]: r for r in json.load(open(f"{work}/times.json"))["results"]}
if os.path.exists(f"{work}/times-pandoc.json"):
    results.update({r["command"]: r for r in json.load(open(f"{work}/times-pandoc.json"))["results"]})
def median(r): return sorted(r["times"])[len(r["times"]) // 2]
base = median(results["ficbind"])
rows = []
for name in ["ficbind", "ficbind --no-cover", "ficbind --format kepub", "ficbind (baseline)", "crowbook", "crowbook, one file", "pandoc"]:
    if name not in results:
        continue
    r = results[name]
    file = name.replace(" (", "-").replace(")", "").replace(" --", "-").replace(", ", "-").replace(" ", "-")
    rss = int(open(f"{work}/rss-{file}.txt").read().strip())
    size = os.path.getsize(f"{work}/out/{file}.epub")
    rows.append((name, median(r), len(r["times"]), f"{rss / 1024:.1f} MiB", size))
def floor_of(book):
    text = open(f"{work}/floor-{book}.txt").read()
    m = re.search(r"bytes_out=(\d+) threads=(\d+) median_seconds=([\d.]+)", text)
    return float(m.group(3)), len(re.findall(r"^run ", text, re.M)), int(m.group(2)), int(m.group(1))
floor, runs, threads, floor_bytes = floor_of("ficbind")
rows.append((f"deflate floor ({threads} threads)", floor, runs, "—", floor_bytes))
floor_nc, runs_nc, _, bytes_nc = floor_of("ficbind-no-cover")
rows.append(("  …of the no-cover book", floor_nc, runs_nc, "—", bytes_nc))
print(open(f"{work}/versions.txt").read().rstrip())
print()
print(f"{'tool':<26} {'median wall':>12} {'runs':>5} {'÷ ficbind':>10} {'peak RSS':>11} {'output bytes':>13}")
for name, t, n, rss, size in rows:
    print(f"{name:<26} {t:>10.3f} s {n:>5} {t / base:>10.3f} {rss:>11} {size:>13,}")
print()
print(f"ficbind ÷ deflate floor: {base / floor:.2f}"
      f" (without a cover: {median(results['ficbind --no-cover']) / floor_nc:.2f})")
kepub = median(results["ficbind --format kepub"])
print(f"KEPUB ÷ EPUB: {kepub / base:.2f}  (target ≤ 1.5)")
sizes = {name: size for name, _, _, _, size in rows}
for name in ["ficbind (baseline)", "crowbook", "crowbook, one file", "pandoc"]:
    if name in results:
        print(f"ficbind against {name}: {median(results[name]) / base:.2f}× faster,"
              f" EPUB {sizes['ficbind'] / sizes[name] - 1:+.1%}"
              f" ({sizes['ficbind --no-cover'] / sizes[name] - 1:+.1%} without the cover)")
EOF

# ---- a library: batch against one-by-one ----------------------------------------------
LIB=$WORK/library
if [ ! -d "$LIB" ]; then
    for i in $(seq "$BATCH_SERIES"); do
        # Letters, not digits, tell the series apart: a digit would read as a number.
        name="Batch $(python3 -c "import sys; i=int(sys.argv[1]); print(chr(65+i//26)+chr(97+i%26))" "$i") Road"
        python3 scripts/gen-series.py "$LIB/s$(printf %02d "$i")" -n "$BATCH_N" -w "$BATCH_W" --seed "$i" --name "$name" 2>/dev/null
    done
fi
mkdir -p "$WORK/batch-out" "$WORK/single-out"
hyperfine --warmup 1 --min-runs "$MIN_RUNS" --max-runs "$MAX_RUNS" --export-json "$WORK/batch.json" \
    -n "batch --jobs 2" "$FICBIND batch -q --force --jobs 2 $LIB -o $WORK/batch-out" \
    -n "one by one" "for d in $LIB/*/; do $FICBIND build -q \$d -o $WORK/single-out/\$(basename \$d).epub; done" >&2
python3 - "$WORK" "$BATCH_SERIES" "$BATCH_N" "$BATCH_W" <<'EOF'
import json, sys
work, s, n, w = sys.argv[1:]
r = {x["command"]: sorted(x["times"]) for x in json.load(open(f"{work}/batch.json"))["results"]}
b, o = r["batch --jobs 2"], r["one by one"]
mb, mo = b[len(b) // 2], o[len(o) // 2]
print()
print(f"library of {s} series × {n} installments × {w} words")
print(f"{'batch --jobs 2':<26} {mb:>10.3f} s {len(b):>5}")
print(f"{'one by one':<26} {mo:>10.3f} s {len(o):>5}")
print(f"batch ÷ one-by-one: {mb / mo:.2f}  (target ≤ 0.6)")
EOF
