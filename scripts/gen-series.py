#!/usr/bin/env python3
"""Write a synthetic series folder for benchmarks.

N installment files (default 200) of about W words each (default 5,000) in the layout of
shared/story-format.md: a `Key: Value` header (Title `Synthetic Road NN: ...`, Author,
Rating, Warnings, a Summary with a continuation line, Word Count), then paragraphs
separated by blank lines, dialogue in quotes, `* * *` scene breaks, a closing line and an
`A/N:` note. The same text also goes into one Markdown file (`--markdown`) for pandoc and
crowbook, with a crowbook `.book` file beside it (`--book`), and into one Markdown file
per installment with a `.book` file listing them (`--chapter-dir`): crowbook then binds
one chapter per installment, as ficbind does.

Deterministic: the text is a pure function of (seed, N, W). The generator is a 64-bit
LCG (Knuth's MMIX constants), the same one `benches/common/mod.rs` uses, so the Rust
benchmarks and the scripts exercise the same kind of text.

    scripts/gen-series.py OUT_DIR [-n 200] [-w 5000] [--seed 1]
        [--markdown FILE.md] [--book FILE.book] [--epub-name OUT.epub]
        [--chapter-dir DIR]
"""

import argparse
import os
import sys

MASK = (1 << 64) - 1


class Lcg:
    def __init__(self, seed):
        self.state = (seed * 0x9E3779B97F4A7C15 + 1) & MASK

    def next(self):
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) & MASK
        return self.state >> 33

    def below(self, n):
        return self.next() % n

    def pick(self, items):
        return items[self.below(len(items))]


WORDS = (
    "the a and of to in she he it was her his that with on for at as by from into "
    "over under lantern road tide marsh fog reeds water light dark causeway post ninth "
    "harbour wind salt rope oil wick flame match hand hands eyes voice door window "
    "morning night evening shadow stone boat ferry bell ledger coat sleeve pocket "
    "quiet slowly almost never always again still only already somewhere nothing "
    "something everyone nobody walked turned looked listened waited smiled laughed "
    "whispered said asked answered remembered forgot carried lifted dropped held "
    "burning cold warm grey green bright small heavy old new long short wet ragged "
    "didn't couldn't wasn't it's she'd he'd they'd don't won't well-worn half-lit "
    "because though while until before after when where which whose would could "
    "should might must perhaps maybe certainly slowly softly gently suddenly finally "
    "lamplighter guild beacon keeper storm gull heron chandlery harbourmaster twelve"
).split()

NAMES = ["Maren", "Tobin", "Ilse", "Corwin", "Mrs. Abernethy", "the harbourmaster"]
SAID = ["said", "asked", "whispered", "muttered", "called", "answered"]
ADJ = ["Quiet", "Drowned", "Burning", "Salt", "Lantern", "Ninth", "Grey", "Hollow"]
NOUN = ["Keeper", "Tide", "Causeway", "Ledger", "Beacon", "Harbour", "Fog", "Bell"]
SUFFIX = [",", ",", ",", ";", " —", "..."]


def sentence(rng, words):
    """A sentence of `words` words: capitalised, inner commas now and then."""
    out = []
    for i in range(words):
        w = rng.pick(WORDS)
        if i == 0:
            w = w[0].upper() + w[1:]
        if 0 < i < words - 1 and rng.below(9) == 0:
            w += rng.pick(SUFFIX)
        out.append(w)
    end = rng.pick([".", ".", ".", ".", "!", "?", "..."])
    return " ".join(out) + end


def installment(rng, n, target, name="Synthetic Road"):
    """(header, paragraphs, total words) for installment n: paragraphs is a list of
    (kind, text) with kind in {p, break, closing, note}."""
    title = f"{name} {n:02}: The {rng.pick(ADJ)} {rng.pick(NOUN)}"
    header = [
        ("Title", title),
        ("Author", "Ada Quill"),
        ("Rating", rng.pick(["PG-13 for peril", "T", "Teen And Up Audiences", "R for violence"])),
        ("Warnings", "violence, angst. Spoilers – everything after part one."),
        ("Summary", f"Installment {n} of a generated series: the lamps, the fog and the\n"
                    "people who walk the causeway anyway."),
        ("Word Count", f"{target:,}"),
    ]
    paras = []
    words = 0
    since_break = 0
    note = (f"A/N: Thanks for reading part {n}! Generated text, seed and all; "
            "comments make the lanterns burn brighter.")
    closing = f"To be continued..."
    budget = target - len(note.split()) - len(closing.split())
    while words < budget:
        if since_break >= 12 and rng.below(6) == 0:
            paras.append(("break", "* * *"))
            since_break = 0
            continue
        if rng.below(3) == 0:
            a = sentence(rng, 4 + rng.below(10))
            b = sentence(rng, 4 + rng.below(12))
            text = f"\u201c{a[:-1]},\u201d {rng.pick(SAID)} {rng.pick(NAMES)}. \u201c{b}\u201d"
            if rng.below(2) == 0:
                text = text.replace("\u201c", '"').replace("\u201d", '"')
        else:
            text = " ".join(sentence(rng, 6 + rng.below(13)) for _ in range(2 + rng.below(5)))
        paras.append(("p", text))
        words += len(text.split())
        since_break += 1
    paras.append(("closing", closing))
    paras.append(("note", note))
    return header, paras, words + len(note.split()) + len(closing.split())


def as_text(header, paras):
    lines = []
    for key, value in header:
        lines.append(f"{key}: {value}")
    lines.append("")
    for _, text in paras:
        lines.append(text)
        lines.append("")
    return "\n".join(lines)


def as_markdown(header, paras):
    """One chapter of the Markdown book: the title as a level-1 heading, the rest of the
    header as a short paragraph, the body as Markdown paragraphs."""
    title = header[0][1]
    meta = "  \n".join(f"**{k}:** {v.replace(chr(10), ' ')}" for k, v in header[1:])
    out = [f"# {title}", "", meta, ""]
    for kind, text in paras:
        if kind == "break":
            out.append("\\* \\* \\*")  # a visible ornament, like ficbind's, not an <hr>
        elif kind == "note":
            out.append(f"*{text}*")
        else:
            out.append(text.replace("*", "\\*"))
        out.append("")
    return "\n".join(out)


def write_book(path, name, epub_name, chapters):
    """A crowbook `.book` file: YAML-ish keys, then the chapter list, paths relative to
    the file. `-` adds a chapter without crowbook numbering it: the headings already carry
    numbers."""
    with open(path, "w", encoding="utf-8") as f:
        f.write("author: Ada Quill\n")
        f.write(f"title: {name}\n")
        f.write("lang: en\n")
        f.write(f"output.epub: {epub_name}\n")
        f.write("\n")
        for chapter in chapters:
            f.write(f"- {chapter}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("-n", "--installments", type=int, default=200)
    ap.add_argument("-w", "--words", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--name", default="Synthetic Road", help="the series name in every Title (no digits)")
    ap.add_argument("--markdown", help="also write the whole series as one Markdown file")
    ap.add_argument("--book", help="also write a crowbook .book file for the Markdown file")
    ap.add_argument("--epub-name", default="crowbook.epub", help="output.epub in the .book files")
    ap.add_argument("--chapter-dir", help="also write each installment as DIR/chapter-NNN.md, listed in DIR/series.book")
    args = ap.parse_args()

    os.makedirs(args.out_dir, exist_ok=True)
    rng = Lcg(args.seed)
    for extra in (args.markdown, args.book):
        if extra:
            os.makedirs(os.path.dirname(os.path.abspath(extra)), exist_ok=True)
    if args.chapter_dir:
        os.makedirs(args.chapter_dir, exist_ok=True)
    chapters = []
    md = open(args.markdown, "w", encoding="utf-8", newline="\n") if args.markdown else None
    total = 0
    for n in range(1, args.installments + 1):
        header, paras, words = installment(rng, n, args.words, args.name)
        total += words
        path = os.path.join(args.out_dir, f"synthetic-road-{n:03}.txt")
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(as_text(header, paras))
        if md:
            md.write(as_markdown(header, paras))
            md.write("\n")
        if args.chapter_dir:
            chapters.append(f"chapter-{n:03}.md")
            with open(os.path.join(args.chapter_dir, chapters[-1]), "w", encoding="utf-8", newline="\n") as f:
                f.write(as_markdown(header, paras))
    if md:
        md.close()
    if args.book:
        if not args.markdown:
            sys.exit("--book needs --markdown")
        rel = os.path.relpath(os.path.abspath(args.markdown), os.path.dirname(os.path.abspath(args.book)))
        write_book(args.book, args.name, args.epub_name, [rel])
    if args.chapter_dir:
        write_book(os.path.join(args.chapter_dir, "series.book"), args.name, args.epub_name, chapters)
    print(f"{args.installments} installments, {total} words in {args.out_dir}", file=sys.stderr)


if __name__ == "__main__":
    main()
