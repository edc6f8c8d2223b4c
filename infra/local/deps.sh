#!/usr/bin/env bash
# Local servers for distributed mode, integration tests and CI (Debian 12):
#   RabbitMQ (AMQP 127.0.0.1:5672, management API http://127.0.0.1:15672, guest/guest)
#   PostgreSQL 15 cluster 15/main (127.0.0.1:5432, role platform/platform with CREATEDB)
# plus the tools services shell out to (openscad, bubblewrap).
#
#   infra/local/deps.sh           install what is missing, start what is not running, check both
#   infra/local/deps.sh --stop    stop both servers
#   infra/local/deps.sh --status  report whether both servers answer (exit 1 if one does not)
#
# Idempotent: safe to run any number of times, also when the servers are already running.
# Runs as root; otherwise uses sudo when available.
# For testing this script without touching the shared servers: DEPS_PG_CLUSTER/DEPS_PG_PORT select
# another 15/<cluster>; DEPS_RABBITMQ_PORT/DEPS_RABBITMQ_MGMT_PORT with RABBITMQ_NODENAME (and
# RABBITMQ_NODE_PORT, RABBITMQ_DIST_PORT, management port in RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS)
# another RabbitMQ node.
set -euo pipefail

PG_VERSION=15
PG_CLUSTER="${DEPS_PG_CLUSTER:-main}"   # overridable for testing this script on a spare cluster
PG_HOST=127.0.0.1
PG_PORT="${DEPS_PG_PORT:-5432}"
PG_ROLE=platform
PG_PASSWORD=platform
RABBIT_USER=guest
RABBIT_PASSWORD=guest
RABBIT_AMQP_PORT="${DEPS_RABBITMQ_PORT:-5672}"
RABBIT_MGMT_PORT="${DEPS_RABBITMQ_MGMT_PORT:-15672}"
RABBITMQCTL=/usr/sbin/rabbitmqctl
RABBITMQ_PLUGINS=/usr/sbin/rabbitmq-plugins
RABBITMQ_SERVER=/usr/sbin/rabbitmq-server
PACKAGES=(rabbitmq-server postgresql openscad bubblewrap curl)

log() { printf '[deps] %s\n' "$*"; }
die() { printf '[deps] ERROR: %s\n' "$*" >&2; exit 1; }

# --- privileges ---------------------------------------------------------------------------------
SUDO=()
if [[ ${EUID:-$(id -u)} -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        die "run as root (or install sudo): installing packages and starting servers needs root"
    fi
fi
as_root() { "${SUDO[@]}" "$@"; }
as_postgres() {
    if [[ ${#SUDO[@]} -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        sudo -u postgres "$@"
    fi
}
# psql as the postgres superuser over the local socket; run from / so that it never complains
# about a working directory the postgres user cannot read.
pg_super() { (cd / && as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" "$@"); }

# --- helpers ------------------------------------------------------------------------------------
tcp_open() { (exec 3<>"/dev/tcp/$1/$2") >/dev/null 2>&1; }

pg_ready() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" >/dev/null 2>&1; }

pg_cluster_status() {
    # Prints the status column of pg_lsclusters for our cluster, or nothing when it does not exist.
    pg_lsclusters --no-header 2>/dev/null | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1==v && $2==c {print $4}'
}

pg_platform_login() {
    PGPASSWORD="$PG_PASSWORD" PGCONNECT_TIMEOUT=5 psql -X -q -w -h "$PG_HOST" -p "$PG_PORT" -U "$PG_ROLE" -d postgres \
        -tAc 'SELECT 1' 2>/dev/null | grep -q '^1$'
}

# A node that is up (await_startup returns at once, rc 69, when no node runs; waits while one boots).
rabbit_running() { as_root "$RABBITMQCTL" -q await_startup --timeout 20 >/dev/null 2>&1; }

rabbit_log_tail() {
    local f
    for f in /var/log/rabbitmq/rabbit@*.log /var/log/rabbitmq/startup_log /var/log/rabbitmq/startup_err /tmp/rabbitmq-detached.log; do
        [[ -s $f ]] && { echo "--- $f (tail)"; as_root tail -n 30 "$f" || true; }
    done
    return 0
}

pg_log_tail() {
    local f="/var/log/postgresql/postgresql-${PG_VERSION}-${PG_CLUSTER}.log"
    [[ -s $f ]] && { echo "--- $f (tail)"; as_root tail -n 30 "$f" || true; }
    return 0
}

# --- stop / status ------------------------------------------------------------------------------
stop_all() {
    if [[ -x $RABBITMQCTL ]] && rabbit_running; then
        log "stopping RabbitMQ"
        as_root "$RABBITMQCTL" shutdown >/dev/null || die "rabbitmqctl shutdown failed"
    else
        log "RabbitMQ is not running"
    fi
    if command -v pg_ctlcluster >/dev/null 2>&1 && [[ "$(pg_cluster_status)" == online* ]]; then
        log "stopping PostgreSQL $PG_VERSION/$PG_CLUSTER"
        as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" stop || die "pg_ctlcluster stop failed"
    else
        log "PostgreSQL $PG_VERSION/$PG_CLUSTER is not running"
    fi
}

status_all() {
    local rc=0
    if tcp_open 127.0.0.1 "$RABBIT_AMQP_PORT" && rabbit_running; then
        log "RabbitMQ   up    amqp://$RABBIT_USER:$RABBIT_PASSWORD@127.0.0.1:$RABBIT_AMQP_PORT/  management http://127.0.0.1:$RABBIT_MGMT_PORT/"
    else
        log "RabbitMQ   DOWN"; rc=1
    fi
    if pg_ready && pg_platform_login; then
        log "PostgreSQL up    Host=$PG_HOST;Port=$PG_PORT;Username=$PG_ROLE;Password=$PG_PASSWORD"
    else
        log "PostgreSQL DOWN (or role $PG_ROLE cannot log in)"; rc=1
    fi
    return $rc
}

case "${1:-}" in
    --stop|stop) stop_all; exit 0 ;;
    --status|status) status_all; exit $? ;;
    ""|--start|start) ;;
    -h|--help) awk 'NR>1 && !/^#/{exit} NR>1{sub(/^# ?/,""); print}' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (use --stop, --status or no argument)" ;;
esac

# --- packages -----------------------------------------------------------------------------------
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=()
for pkg in "${PACKAGES[@]}"; do
    installed "$pkg" || missing+=("$pkg")
done
if [[ ${#missing[@]} -gt 0 ]]; then
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install ${missing[*]} by hand"
    log "installing: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null || die "apt-get update failed"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null \
        || die "apt-get install ${missing[*]} failed"
else
    log "packages present: ${PACKAGES[*]}"
fi
[[ -x $RABBITMQCTL && -x $RABBITMQ_SERVER ]] || die "RabbitMQ wrappers missing in /usr/sbin after install"
[[ -x /usr/lib/postgresql/$PG_VERSION/bin/postgres ]] || die "PostgreSQL $PG_VERSION binaries missing (package postgresql-$PG_VERSION)"

# --- RabbitMQ -----------------------------------------------------------------------------------
rabbit_await() {
    # `rabbitmqctl await_startup` fails (rc 69) while the node is still booting: poll it.
    local deadline=$((SECONDS + ${1:-90}))
    until as_root "$RABBITMQCTL" -q await_startup --timeout 10 >/dev/null 2>&1; do
        if (( SECONDS >= deadline )); then
            rabbit_log_tail >&2
            die "RabbitMQ did not finish starting within ${1:-90}s (logs above; /var/log/rabbitmq)"
        fi
        sleep 1
    done
}

if rabbit_running; then
    log "RabbitMQ already running"
    if ! as_root "$RABBITMQ_PLUGINS" -q is_enabled rabbitmq_management >/dev/null 2>&1; then
        log "enabling rabbitmq_management on the running node"
        as_root "$RABBITMQ_PLUGINS" -q enable rabbitmq_management >/dev/null || die "could not enable rabbitmq_management"
    fi
else
    as_root "$RABBITMQ_PLUGINS" -q enable --offline rabbitmq_management >/dev/null \
        || die "could not enable rabbitmq_management (offline)"
    if tcp_open 127.0.0.1 "$RABBIT_AMQP_PORT"; then
        die "port $RABBIT_AMQP_PORT is in use but rabbitmqctl cannot reach a node (another broker? check: ss -ltnp 'sport = :$RABBIT_AMQP_PORT')"
    fi
    log "starting RabbitMQ (detached)"
    as_root "$RABBITMQ_SERVER" -detached >/tmp/rabbitmq-detached.log 2>&1 || { rabbit_log_tail >&2; die "rabbitmq-server -detached failed"; }
    rabbit_await 90
fi

# The guest user (only allowed from localhost) is what the tests and services use by default.
if ! as_root "$RABBITMQCTL" -q authenticate_user "$RABBIT_USER" "$RABBIT_PASSWORD" >/dev/null 2>&1; then
    log "creating RabbitMQ user $RABBIT_USER"
    as_root "$RABBITMQCTL" -q add_user "$RABBIT_USER" "$RABBIT_PASSWORD" >/dev/null 2>&1 \
        || as_root "$RABBITMQCTL" -q change_password "$RABBIT_USER" "$RABBIT_PASSWORD" >/dev/null
    as_root "$RABBITMQCTL" -q set_user_tags "$RABBIT_USER" administrator >/dev/null
    as_root "$RABBITMQCTL" -q set_permissions -p / "$RABBIT_USER" '.*' '.*' '.*' >/dev/null
fi

deadline=$((SECONDS + 30))
until tcp_open 127.0.0.1 "$RABBIT_AMQP_PORT"; do
    (( SECONDS < deadline )) || { rabbit_log_tail >&2; die "RabbitMQ runs but 127.0.0.1:$RABBIT_AMQP_PORT does not accept connections"; }
    sleep 1
done
deadline=$((SECONDS + 30))
until curl -fsS -o /dev/null -m 5 -u "$RABBIT_USER:$RABBIT_PASSWORD" "http://127.0.0.1:$RABBIT_MGMT_PORT/api/overview" 2>/dev/null; do
    (( SECONDS < deadline )) || { rabbit_log_tail >&2; die "RabbitMQ management API http://127.0.0.1:$RABBIT_MGMT_PORT/ does not answer for $RABBIT_USER"; }
    sleep 1
done

# --- PostgreSQL ---------------------------------------------------------------------------------
if [[ -z "$(pg_cluster_status)" ]]; then
    log "creating PostgreSQL cluster $PG_VERSION/$PG_CLUSTER"
    as_root pg_createcluster "$PG_VERSION" "$PG_CLUSTER" --port "$PG_PORT" >/dev/null \
        || die "pg_createcluster $PG_VERSION $PG_CLUSTER failed"
fi

if pg_ready; then
    log "PostgreSQL already running"
else
    if [[ "$(pg_cluster_status)" != online* ]]; then
        log "starting PostgreSQL $PG_VERSION/$PG_CLUSTER"
        as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start || { pg_log_tail >&2; die "pg_ctlcluster $PG_VERSION $PG_CLUSTER start failed"; }
    fi
    deadline=$((SECONDS + 60))
    until pg_ready; do
        (( SECONDS < deadline )) || { pg_log_tail >&2; die "PostgreSQL did not accept connections on $PG_HOST:$PG_PORT within 60s"; }
        sleep 1
    done
fi

# Role platform: LOGIN CREATEDB, password 'platform' (created when missing).
if [[ "$(pg_super -d postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$PG_ROLE'")" != 1 ]]; then
    log "creating role $PG_ROLE"
    pg_super -d postgres -c "CREATE ROLE $PG_ROLE LOGIN CREATEDB PASSWORD '$PG_PASSWORD'" || die "could not create role $PG_ROLE"
elif [[ "$(pg_super -d postgres -tAc "SELECT rolcanlogin AND rolcreatedb FROM pg_roles WHERE rolname = '$PG_ROLE'")" != t ]]; then
    log "granting LOGIN CREATEDB to role $PG_ROLE"
    pg_super -d postgres -c "ALTER ROLE $PG_ROLE LOGIN CREATEDB" || die "could not alter role $PG_ROLE"
fi

# TCP 127.0.0.1 with scram passwords must work for the role.
if ! pg_platform_login; then
    hba="$(pg_super -d postgres -tAc 'SHOW hba_file')"
    [[ -n $hba ]] || die "could not find pg_hba.conf"
    if ! as_root grep -Eq "^[[:space:]]*host[[:space:]]+all[[:space:]]+($PG_ROLE|all)[[:space:]]+127\.0\.0\.1/32[[:space:]]+scram-sha-256" "$hba"; then
        log "adding a scram-sha-256 rule for $PG_ROLE on 127.0.0.1 to $hba"
        as_root cp -p "$hba" "$hba.bak.$(date +%s)"
        # pg_hba is first-match: put the rule before every other one.
        as_root sed -i "0,/^[[:space:]]*\(local\|host\)/s//host    all             $PG_ROLE        127.0.0.1\/32            scram-sha-256\n&/" "$hba"
    fi
    log "setting the password of role $PG_ROLE (scram-sha-256)"
    pg_super -d postgres -c "SET password_encryption = 'scram-sha-256'; ALTER ROLE $PG_ROLE PASSWORD '$PG_PASSWORD'" \
        || die "could not set the password of $PG_ROLE"
    pg_super -d postgres -tAc "SELECT pg_reload_conf()" >/dev/null
    sleep 1
    pg_platform_login || { pg_log_tail >&2; die "role $PG_ROLE still cannot log in over TCP $PG_HOST:$PG_PORT with its password (check $hba)"; }
fi

# --- tools --------------------------------------------------------------------------------------
command -v openscad >/dev/null 2>&1 || die "openscad missing after install"
command -v bwrap >/dev/null 2>&1 || die "bwrap (bubblewrap) missing after install"

# --- summary ------------------------------------------------------------------------------------
rabbit_version="$(dpkg-query -W -f='${Version}' rabbitmq-server 2>/dev/null | sed 's/-.*//')"
pg_server_version="$(pg_super -d postgres -tAc 'SHOW server_version' 2>/dev/null | awk '{print $1}')"
echo "RabbitMQ $rabbit_version   ready: amqp://$RABBIT_USER:$RABBIT_PASSWORD@127.0.0.1:$RABBIT_AMQP_PORT/ (vhost /), management http://127.0.0.1:$RABBIT_MGMT_PORT/ ($RABBIT_USER/$RABBIT_PASSWORD)"
echo "PostgreSQL $pg_server_version ready: Host=$PG_HOST;Port=$PG_PORT;Username=$PG_ROLE;Password=$PG_PASSWORD (role has CREATEDB; psql -h $PG_HOST -U $PG_ROLE postgres)"
echo "OpenSCAD   $(openscad --version 2>&1 | head -n1 | awk '{print $NF}')   $(command -v openscad); bubblewrap $(bwrap --version 2>/dev/null | awk '{print $NF}') $(command -v bwrap)"
echo "Stop both servers: $0 --stop"
