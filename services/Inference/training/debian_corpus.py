"""Debian package descriptions as a text corpus, read from apt's lists (no network, no torch).

Shared by the training scripts (the embedder, the classifier) and the retrieval evaluation's data
script, so that all of them read the same corpus and hold out the same source packages.
"""

import hashlib
import os
import re
import subprocess
import sys
import time

# Source packages whose sha256(name) mod 100 is below this are held out of training.
HELD_OUT_PERCENT = 5


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def apt_list(pattern):
    lists = "/var/lib/apt/lists"
    names = sorted(n for n in os.listdir(lists) if re.fullmatch(pattern, n))
    if not names:
        raise SystemExit(f"no apt list matches {pattern}; run: apt-get update -o Acquire::Languages=en")
    return [os.path.join(lists, n) for n in names]


def apt_cat(path):
    return subprocess.run(["/usr/lib/apt/apt-helper", "cat-file", path], check=True, capture_output=True).stdout.decode("utf-8", "replace")


def stanzas(text):
    for block in text.split("\n\n"):
        fields = {}
        key = None
        for line in block.split("\n"):
            if not line:
                continue
            if line[0] in " \t" and key is not None:
                fields[key] += "\n" + line
            else:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
        if fields:
            yield fields


def long_description(lines):
    """Debian's long-description format: one space of indent, ' .' for an empty line."""
    out = []
    for line in lines:
        line = line[1:] if line.startswith(" ") else line
        out.append("" if line.strip() == "." else line)
    return re.sub(r"\s+", " ", " ".join(out)).strip()


def load_corpus():
    sources = {}
    for path in apt_list(r"deb\.debian\.org_debian_dists_bookworm_main_binary-amd64_Packages(\.lz4)?"):
        for fields in stanzas(apt_cat(path)):
            package = fields.get("Package")
            if package:
                sources[package] = fields.get("Source", package).split(" ")[0]
    translation = apt_list(r"deb\.debian\.org_debian_dists_bookworm_main_i18n_Translation-en(\.lz4)?")
    digest = hashlib.sha256()
    pairs = []
    seen = set()
    for path in translation:
        text = apt_cat(path)
        digest.update(text.encode("utf-8"))
        for fields in stanzas(text):
            package = fields.get("Package")
            description = fields.get("Description-en")
            if not package or not description:
                continue
            short, _, rest = description.partition("\n")
            short = short.strip()
            body = long_description(rest.split("\n")) if rest else ""
            if len(short) < 8 or len(body) < 40 or (short, body) in seen:
                continue
            seen.add((short, body))
            pairs.append((sources.get(package, package), package, short, body))
    pairs.sort(key=lambda p: (p[0], p[1], p[2]))
    return pairs, digest.hexdigest(), [os.path.basename(p) for p in translation]


def held_out(source):
    return int(hashlib.sha256(source.encode("utf-8")).hexdigest(), 16) % 100 < HELD_OUT_PERCENT
