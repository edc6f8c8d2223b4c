#!/usr/bin/env python3
"""Writes the retrieval evaluation's labelled set in BEIR's format (corpus.jsonl, queries.jsonl, qrels.tsv).

Debian bookworm package descriptions, read from apt's lists by services/Inference/training/debian_corpus.py:
each held-out package's short description is a query, its long description the one relevant document,
and every held-out long description is in the corpus. Held out means the same source packages the
default embedding model never saw in training (sha256 of the source name mod 100 < 5), so the
vector and hybrid rows measure the model on text it was not trained on.

Usage: python3 tests/Platform.Evaluations/Data/make_retrieval_set.py   (needs apt's English description lists:
apt-get update -o Acquire::Languages=en)
"""

import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "..", "services", "Inference", "training"))
from debian_corpus import held_out, load_corpus  # noqa: E402


def main():
    pairs, corpus_sha, files = load_corpus()
    held = [p for p in pairs if held_out(p[0])]
    out = os.path.join(here, "retrieval")
    os.makedirs(out, exist_ok=True)
    seen = set()
    with open(os.path.join(out, "corpus.jsonl"), "w", encoding="utf-8") as corpus, \
            open(os.path.join(out, "queries.jsonl"), "w", encoding="utf-8") as queries, \
            open(os.path.join(out, "qrels.tsv"), "w", encoding="utf-8") as qrels:
        qrels.write("query-id\tcorpus-id\tscore\n")
        for source, package, short, body in held:
            doc_id = package if package not in seen else f"{package}#{len(seen)}"
            seen.add(doc_id)
            corpus.write(json.dumps({"_id": doc_id, "title": "", "text": body}, ensure_ascii=False) + "\n")
            queries.write(json.dumps({"_id": "q:" + doc_id, "text": short}, ensure_ascii=False) + "\n")
            qrels.write(f"q:{doc_id}\t{doc_id}\t1\n")
    with open(os.path.join(out, "SOURCE.md"), "w", encoding="utf-8") as source:
        source.write(
            "Written by `tests/Platform.Evaluations/Data/make_retrieval_set.py`; do not edit by hand.\n\n"
            f"Debian bookworm `{', '.join(files)}` (sha256 of the text `{corpus_sha[:16]}...`), "
            f"{len(held):,} held-out packages of {len(pairs):,}: one query (short description) and one relevant "
            "document (long description) each. Descriptions are Debian's, under the licences of their packages' "
            "copyright files (short factual summaries).\n")
    print(f"{len(held)} queries and documents written to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
