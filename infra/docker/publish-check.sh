#!/usr/bin/env bash
# Runs the publish step of every service image without Docker (infra/docker/publish.sh, the same
# script the Dockerfiles run) and checks each output: entry assembly, runtime config, SQLite's and
# ONNX Runtime's native libraries, models and vocabularies. Takes a few minutes on 2 cores.
#
#   infra/docker/publish-check.sh [--gpu] [--keep] [Service ...]
#
#   --gpu    also publish the GPU variant of Inference (npm installs ~900 MB the first time)
#   --keep   keep the outputs (default: removed at the end); they are under $PUBLISH_CHECK_DIR
#            (default: a new temporary folder)
# Exit status 0 only when every publish succeeded and every output is complete.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SERVICES=()
GPU=0
KEEP=0
for arg in "$@"; do
    case "$arg" in
        --gpu) GPU=1 ;;
        --keep) KEEP=1 ;;
        -h|--help) awk 'NR>1 && !/^#/{exit} NR>1{sub(/^# ?/,""); print}' "$0"; exit 0 ;;
        -*) printf 'unknown option %s\n' "$arg" >&2; exit 2 ;;
        *) SERVICES+=("$arg") ;;
    esac
done
if [[ ${#SERVICES[@]} -eq 0 ]]; then
    SERVICES=(Ingest Retrieval Inference Agents Billing SafetyGuard CadGenerator)
fi

DIR="${PUBLISH_CHECK_DIR:-$(mktemp -d -t platform-publish-XXXXXX)}"
mkdir -p "$DIR"
if (( ! KEEP )); then trap 'rm -rf "$DIR"' EXIT; fi

results=()
rc=0
run() {
    local label="$1"; shift
    local start=$SECONDS
    if "$ROOT/infra/docker/publish.sh" "$@"; then
        results+=("$(printf '%-16s ok      %4ds' "$label" $((SECONDS - start)))")
    else
        results+=("$(printf '%-16s FAILED  %4ds' "$label" $((SECONDS - start)))")
        rc=1
    fi
}

for svc in "${SERVICES[@]}"; do
    run "$svc" "$svc" "$DIR/$svc"
done
if (( GPU )); then
    run "Inference (gpu)" Inference "$DIR/Inference-gpu" --gpu
fi

printf '\n%-16s %-7s %5s\n' IMAGE PUBLISH TIME
printf '%s\n' "${results[@]}"
(( KEEP )) && printf 'outputs kept in %s\n' "$DIR"
exit $rc
