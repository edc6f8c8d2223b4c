#!/usr/bin/env bash
# Distributed mode on one machine: the seven services, each its own process, on the local RabbitMQ
# and PostgreSQL that infra/local/deps.sh installs and starts.
#
#   infra/local/run-distributed.sh [--no-build] [--no-deps] [--detach] [--services a,b,...]
#                                  [--port-offset N]
#       builds Platform.sln (Release) once, runs deps.sh, starts the services, waits until every
#       /health/ready answers 200 (90 s), prints their URLs and the admin key, then waits.
#       Ctrl-C / SIGTERM stops them all. With --detach it returns once all are ready and leaves
#       them running (for CI and scripts). --port-offset N adds N to every default port
#       (5101..5107), e.g. when another copy of the platform already uses them.
#   infra/local/run-distributed.sh stop      stops a set started earlier (pid files)
#   infra/local/run-distributed.sh status    shows which services run and answer ready
#
# Files (under ./data/distributed of the repository): admin.key, logs/<service>.log, pids/<service>.pid.
# Environment: Auth__AdminKey (else the saved or a newly generated key), Bus__RabbitMq__* and
# Storage__Postgres (defaults: the local servers), PORT_OFFSET (default 0), READY_TIMEOUT
# (seconds, default 90), DOTNET (default dotnet).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

STATE_DIR="$ROOT/data/distributed"
LOG_DIR="$STATE_DIR/logs"
PID_DIR="$STATE_DIR/pids"
KEY_FILE="$STATE_DIR/admin.key"
READY_TIMEOUT="${READY_TIMEOUT:-90}"
PORT_OFFSET="${PORT_OFFSET:-0}"
STOP_TIMEOUT="${STOP_TIMEOUT:-30}"
DOTNET="${DOTNET:-dotnet}"

# service name -> project folder and default port (PlatformServices.DefaultPorts)
ALL_SERVICES=(ingest retrieval inference agents billing safetyguard cadgenerator)
declare -A PROJECT=([ingest]=Ingest [retrieval]=Retrieval [inference]=Inference [agents]=Agents
                    [billing]=Billing [safetyguard]=SafetyGuard [cadgenerator]=CadGenerator)
declare -A PORT=([ingest]=5101 [retrieval]=5102 [inference]=5103 [agents]=5104
                 [billing]=5105 [safetyguard]=5106 [cadgenerator]=5107)

log() { printf '[distributed] %s\n' "$*"; }
die() { printf '[distributed] ERROR: %s\n' "$*" >&2; exit 1; }

dll_of() { echo "services/${PROJECT[$1]}/bin/Release/net10.0/Platform.${PROJECT[$1]}.dll"; }
port_of() { echo $(( ${PORT[$1]} + PORT_OFFSET )); }
# The URL of a service: the one it was started with (recorded next to its pid file), else its default.
url_of() {
    local file="$PID_DIR/$1.url"
    if [[ -s $file ]]; then cat "$file"; else echo "http://127.0.0.1:$(port_of "$1")"; fi
}
pid_file() { echo "$PID_DIR/$1.pid"; }
tcp_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") >/dev/null 2>&1; }

# The pid of a running service of ours, from its pid file (checked against the process's command
# line so that a reused pid is never signalled); empty when not running.
running_pid() {
    local file pid
    file="$(pid_file "$1")"
    [[ -f $file ]] || return 0
    pid="$(<"$file")"
    [[ $pid =~ ^[0-9]+$ ]] || return 0
    if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "Platform\.${PROJECT[$1]}\.dll"; then
        echo "$pid"
    fi
}

ready_code() { curl -s -o /dev/null -m 3 -w '%{http_code}' "$(url_of "$1")/health/ready" 2>/dev/null || true; }

# Stops the given services: SIGTERM, wait up to STOP_TIMEOUT seconds, then SIGKILL.
stop_services() {
    local svc pid deadline pids=() names=()
    for svc in "$@"; do
        pid="$(running_pid "$svc")"
        if [[ -n $pid ]]; then
            kill -TERM "$pid" 2>/dev/null || true
            pids+=("$pid"); names+=("$svc")
        fi
        rm -f "$(pid_file "$svc")" "$PID_DIR/$svc.url"
    done
    [[ ${#pids[@]} -gt 0 ]] || return 0
    log "stopping ${names[*]}"
    deadline=$((SECONDS + STOP_TIMEOUT))
    local i alive
    while :; do
        alive=0
        for i in "${!pids[@]}"; do
            if kill -0 "${pids[$i]}" 2>/dev/null && [[ "$(ps -o stat= -p "${pids[$i]}" 2>/dev/null)" != Z* ]]; then
                alive=1
                if (( SECONDS >= deadline )); then
                    log "${names[$i]} (pid ${pids[$i]}) did not stop within ${STOP_TIMEOUT}s: killing it"
                    kill -KILL "${pids[$i]}" 2>/dev/null || true
                fi
            fi
        done
        (( alive )) || break
        (( SECONDS < deadline + 5 )) || break
        sleep 0.5
    done
    # Reap our own children (foreground mode) so that none is left a zombie.
    wait "${pids[@]}" 2>/dev/null || true
    log "stopped"
}

status_services() {
    local svc pid code rc=0
    printf '%-13s %-8s %-6s %s\n' SERVICE PID READY URL
    for svc in "${ALL_SERVICES[@]}"; do
        pid="$(running_pid "$svc")"
        code="$(ready_code "$svc")"
        printf '%-13s %-8s %-6s %s\n' "$svc" "${pid:--}" "${code:-000}" "$(url_of "$svc")"
        [[ -n $pid && $code == 200 ]] || rc=1
    done
    return $rc
}

# --- arguments ----------------------------------------------------------------------------------
BUILD=1
DEPS=1
DETACH=0
SERVICES=("${ALL_SERVICES[@]}")
while [[ $# -gt 0 ]]; do
    case "$1" in
        stop|--stop) stop_services "${ALL_SERVICES[@]}"; exit 0 ;;
        status|--status) status_services; exit $? ;;
        --no-build) BUILD=0 ;;
        --no-deps) DEPS=0 ;;
        --detach|-d) DETACH=1 ;;
        --services)
            [[ $# -ge 2 ]] || die "--services needs a comma-separated list"
            IFS=, read -r -a SERVICES <<<"$2"; shift ;;
        --services=*) IFS=, read -r -a SERVICES <<<"${1#*=}" ;;
        --port-offset)
            [[ $# -ge 2 ]] || die "--port-offset needs a number"
            PORT_OFFSET="$2"; shift ;;
        --port-offset=*) PORT_OFFSET="${1#*=}" ;;
        -h|--help) awk 'NR>1 && !/^#/{exit} NR>1{sub(/^# ?/,""); print}' "$0"; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
    shift
done
[[ $PORT_OFFSET =~ ^[0-9]+$ ]] || die "port offset must be a number, not '$PORT_OFFSET'"
for svc in "${SERVICES[@]}"; do
    [[ -n ${PROJECT[$svc]:-} ]] || die "unknown service '$svc' (known: ${ALL_SERVICES[*]})"
done
command -v "$DOTNET" >/dev/null 2>&1 || die "'$DOTNET' not found: install the .NET 10 SDK"
command -v curl >/dev/null 2>&1 || die "curl not found (infra/local/deps.sh installs it)"

# Refuse to start over a set that is already running (or over anything else on our ports).
for svc in "${SERVICES[@]}"; do
    if [[ -n "$(running_pid "$svc")" ]]; then
        die "$svc is already running (pid $(running_pid "$svc")); stop the set first: $0 stop"
    fi
    if tcp_open "$(port_of "$svc")"; then
        die "port $(port_of "$svc") ($svc) is already in use by another process (ss -ltnp 'sport = :$(port_of "$svc")'); stop it or use --port-offset N"
    fi
done

# --- build --------------------------------------------------------------------------------------
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if (( BUILD )); then
    log "building Platform.sln (Release)"
    "$DOTNET" build Platform.sln -c Release -nologo -v quiet -clp:Summary \
        || die "dotnet build Platform.sln -c Release failed"
fi
for svc in "${SERVICES[@]}"; do
    [[ -f "$(dll_of "$svc")" ]] || die "$(dll_of "$svc") is missing: build first (without --no-build)"
done

# --- servers ------------------------------------------------------------------------------------
if (( DEPS )); then
    "$ROOT/infra/local/deps.sh" || die "infra/local/deps.sh failed: RabbitMQ/PostgreSQL are not available"
fi

# --- configuration ------------------------------------------------------------------------------
mkdir -p "$LOG_DIR" "$PID_DIR"
if [[ -n ${Auth__AdminKey:-} ]]; then
    ADMIN_KEY="$Auth__AdminKey"
elif [[ -s $KEY_FILE ]]; then
    ADMIN_KEY="$(tr -d '[:space:]' <"$KEY_FILE")"
else
    ADMIN_KEY="adm_$(openssl rand -hex 24 2>/dev/null || head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
fi
(umask 077 && printf '%s\n' "$ADMIN_KEY" >"$KEY_FILE")

export Auth__AdminKey="$ADMIN_KEY"
export Bus__Transport=RabbitMq
export Bus__RabbitMq__Host="${Bus__RabbitMq__Host:-127.0.0.1}"
export Bus__RabbitMq__Port="${Bus__RabbitMq__Port:-5672}"
export Bus__RabbitMq__VirtualHost="${Bus__RabbitMq__VirtualHost:-/}"
export Bus__RabbitMq__Username="${Bus__RabbitMq__Username:-guest}"
export Bus__RabbitMq__Password="${Bus__RabbitMq__Password:-guest}"
export Storage__Provider=Postgres
export Storage__Postgres="${Storage__Postgres:-Host=127.0.0.1;Port=5432;Username=platform;Password=platform}"
unset ASPNETCORE_URLS ASPNETCORE_HTTP_PORTS   # one port per service, set below

# --- start --------------------------------------------------------------------------------------
STARTED=()
KEEP_RUNNING=0
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if (( ! KEEP_RUNNING )) && [[ ${#STARTED[@]} -gt 0 ]]; then
        stop_services "${STARTED[@]}"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

for svc in "${SERVICES[@]}"; do
    logfile="$LOG_DIR/$svc.log"
    printf '\n===== %s start %s =====\n' "$(date -Is)" "$svc" >>"$logfile"
    # setsid: own session, so a terminal's Ctrl-C or hang-up reaches only this script, which then
    # stops the services in order (foreground), and --detach leaves them independent of the shell.
    rm -f "$PID_DIR/$svc.url"
    url="http://127.0.0.1:$(port_of "$svc")"
    ASPNETCORE_URLS="$url" setsid "$DOTNET" "$(dll_of "$svc")" </dev/null >>"$logfile" 2>&1 &
    echo $! >"$(pid_file "$svc")"
    echo "$url" >"$PID_DIR/$svc.url"
    STARTED+=("$svc")
done
log "started ${STARTED[*]}; waiting for /health/ready (timeout ${READY_TIMEOUT}s)"

# --- wait until ready ---------------------------------------------------------------------------
declare -A READY=()
t0=$SECONDS
deadline=$((SECONDS + READY_TIMEOUT))
while :; do
    pending=()
    for svc in "${SERVICES[@]}"; do
        [[ -n ${READY[$svc]:-} ]] && continue
        if [[ -z "$(running_pid "$svc")" ]]; then
            echo "----- $LOG_DIR/$svc.log (tail) -----" >&2
            tail -n 40 "$LOG_DIR/$svc.log" >&2 || true
            die "$svc exited during startup (log above)"
        fi
        if [[ "$(ready_code "$svc")" == 200 ]]; then
            READY[$svc]=1
            log "$svc ready after $((SECONDS - t0))s"
        else
            pending+=("$svc")
        fi
    done
    [[ ${#pending[@]} -eq 0 ]] && break
    if (( SECONDS >= deadline )); then
        for svc in "${pending[@]}"; do
            echo "----- $svc: GET $(url_of "$svc")/health/ready -----" >&2
            curl -s -m 3 "$(url_of "$svc")/health/ready" >&2 || true
            echo >&2
            echo "----- $LOG_DIR/$svc.log (tail) -----" >&2
            tail -n 40 "$LOG_DIR/$svc.log" >&2 || true
        done
        die "not ready within ${READY_TIMEOUT}s: ${pending[*]} (logs above); stopping everything"
    fi
    sleep 1
done

# --- summary ------------------------------------------------------------------------------------
echo
printf '%-13s %-24s %-44s %s\n' SERVICE URL OPENAPI LOG
for svc in "${SERVICES[@]}"; do
    printf '%-13s %-24s %-44s %s\n' "$svc" "$(url_of "$svc")" "$(url_of "$svc")/openapi/v1.json" "data/distributed/logs/$svc.log"
done
echo
echo "Admin key: $ADMIN_KEY   (saved in data/distributed/admin.key; send as 'Authorization: Bearer <key>')"
echo "Bus: RabbitMQ $Bus__RabbitMq__Host:$Bus__RabbitMq__Port vhost $Bus__RabbitMq__VirtualHost   Storage: PostgreSQL (databases platform_<service>)"

if (( DETACH )); then
    KEEP_RUNNING=1
    echo "Running detached. Stop with: infra/local/run-distributed.sh stop"
    exit 0
fi

echo "Running. Ctrl-C stops all services."
# Wait for a signal (trap -> cleanup) or for a service to exit on its own (then stop the rest).
while :; do
    set +e
    wait -n
    set -e
    for svc in "${SERVICES[@]}"; do
        if [[ -z "$(running_pid "$svc")" ]]; then
            echo "----- $LOG_DIR/$svc.log (tail) -----" >&2
            tail -n 20 "$LOG_DIR/$svc.log" >&2 || true
            die "$svc exited unexpectedly (log above); stopping the others"
        fi
    done
done
