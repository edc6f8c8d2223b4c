#!/usr/bin/env bash
# Publishes one service exactly as its container image does, then checks the output.
# Every services/<Service>/Dockerfile runs this script in its build stage, and
# infra/docker/publish-check.sh (and tests/Platform.Deployment.Tests) run it here without Docker,
# so what the images contain is checked on machines that have no Docker engine.
#
#   infra/docker/publish.sh <Service> <output dir> [--gpu]
#
# <Service> is a folder under services/ (Billing, Inference, ...). --gpu publishes Inference with
# the GPU-capable ONNX Runtime flavour (-p:OnnxRuntimeFlavour=gpu, ~900 MB of npm packages).
# Build intermediates go to PUBLISH_ARTIFACTS (default: <output dir>.artifacts), never to the
# projects' own bin/ and obj/, so a check never races a developer's or CI's build.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

die() { printf '[publish] ERROR: %s\n' "$*" >&2; exit 1; }
log() { printf '[publish] %s\n' "$*"; }

[[ $# -ge 2 ]] || die "usage: $0 <Service> <output dir> [--gpu]"
SERVICE="$1"
OUT="$2"
FLAVOUR=cpu
[[ ${3:-} == --gpu ]] && FLAVOUR=gpu
[[ $# -le 3 ]] || die "too many arguments"

PROJECT="$ROOT/services/$SERVICE/Platform.$SERVICE.csproj"
[[ -f $PROJECT ]] || die "no project $PROJECT (services: $(cd "$ROOT/services" && echo */ | tr -d /))"
[[ $FLAVOUR == cpu || $SERVICE == Inference ]] || die "--gpu applies to Inference only"

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
ARTIFACTS="${PUBLISH_ARTIFACTS:-$OUT.artifacts}"
# linux-x64 only: the images are x64 (ONNX Runtime's natives here are x64 builds), and a
# runtime-specific publish drops the other platforms' native libraries (~65 MB of SQLite builds).
RUNTIME_ID="${PUBLISH_RUNTIME:-linux-x64}"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log "dotnet publish $SERVICE (Release, $RUNTIME_ID, ONNX Runtime flavour $FLAVOUR) -> $OUT"
# UseAppHost=false: the images start `dotnet Platform.X.dll`, so the native launcher is not needed;
# framework-dependent: the aspnet base image brings the runtime.
dotnet publish "$PROJECT" -c Release -o "$OUT" --artifacts-path "$ARTIFACTS" \
    --runtime "$RUNTIME_ID" --self-contained false -p:UseAppHost=false -p:OnnxRuntimeFlavour="$FLAVOUR" -nologo -v quiet -clp:ErrorsOnly \
    || die "dotnet publish $SERVICE failed"

# --- what the image needs at run time --------------------------------------------------------------
missing=()
need() { [[ -s "$OUT/$1" ]] || missing+=("$1"); }

need "Platform.$SERVICE.dll"
need "Platform.$SERVICE.runtimeconfig.json"
need "Platform.$SERVICE.deps.json"
# SQLite (standalone storage): a runtime-specific publish puts its native library next to the app.
need "libe_sqlite3.so"

case "$SERVICE" in
    Inference)
        need "Microsoft.ML.OnnxRuntime.dll"
        need "libonnxruntime.so"
        if [[ $FLAVOUR == gpu ]]; then
            need "libonnxruntime_providers_shared.so"
            need "libonnxruntime_providers_cuda.so"
        fi
        need "tokenizers/gpt2/encoder.json"
        need "tokenizers/gpt2/vocab.bpe"
        # Every model folder of the repository ships with its manifest and the files it names.
        for model in "$ROOT"/services/Inference/models/*/; do
            name="$(basename "$model")"
            for file in "$model"*; do need "models/$name/$(basename "$file")"; done
        done
        ;;
    Ingest)
        # Chunk sizes are counted in the default embedding model's tokens.
        need "tokenizers/platform-embed-256/vocab.txt"
        ;;
    SafetyGuard)
        for model in prompt_injection_model jailbreak_model malicious_model; do
            need "models/llm_guardrail/$model.json"
        done
        ;;
esac

if [[ ${#missing[@]} -gt 0 ]]; then
    die "$SERVICE publish output lacks: ${missing[*]}"
fi

if [[ -f "$OUT/libonnxruntime.so" ]]; then
    # The CPU core has no CUDA entry point; the GPU-capable core (onnxruntime-node's build) exports it.
    cuda_entry=OrtSessionOptionsAppendExecutionProvider_CUDA
    if [[ $FLAVOUR == gpu ]] && ! grep -qa "$cuda_entry" "$OUT/libonnxruntime.so"; then
        die "libonnxruntime.so is not the GPU-capable build (no $cuda_entry)"
    fi
    if [[ $FLAVOUR == cpu ]] && grep -qa "$cuda_entry" "$OUT/libonnxruntime.so"; then
        die "libonnxruntime.so is the GPU build in a CPU publish (stale output in $OUT?)"
    fi
    if [[ $FLAVOUR == cpu && -e "$OUT/libonnxruntime_providers_cuda.so" ]]; then
        die "CPU publish contains the CUDA provider (stale gpu output in $OUT?)"
    fi
fi

log "$SERVICE ok: $(du -sh "$OUT" | cut -f1) in $OUT"
