#!/usr/bin/env bash
# Makes a MariaDB/MySQL account usable on 127.0.0.1:3306 for the API tests and benchmark, idempotently,
# without ever changing an account that already exists:
#   - TEST_MYSQL_URL set: that server and account are used as given; nothing is installed or changed.
#   - otherwise the tests use their own account `taskmanager_test` (password taskmanager-test), allowed
#     only on databases named `tm_*` (and to create the accounts the database set-up tests name tm_*). This script
#       1. installs mariadb-server with apt-get when no server is installed (needs root; CI machines are fresh),
#       2. starts mariadbd as the mysql user when nothing listens on the port,
#       3. creates that one account (over the unix socket as the OS root user, which a Debian MariaDB
#          allows by default). A server whose root cannot log in that way is left alone, and the
#          message says how to point TEST_MYSQL_URL at it.
# Settings: MARIADB_PORT (3306). Everything it prints goes to stderr so callers can use stdout.
set -euo pipefail

PORT="${MARIADB_PORT:-3306}"
TEST_USER=taskmanager_test
TEST_PASSWORD=taskmanager-test
DATADIR="${MARIADB_DATADIR:-/var/lib/mysql}"
LOG="${MARIADB_LOG:-/tmp/mariadbd-${PORT}.log}"

say() { echo "[mariadb.sh] $*" >&2; }
fail() { echo "[mariadb.sh] ERROR: $*" >&2; exit 1; }

if [ -n "${TEST_MYSQL_URL:-}" ]; then
  say "TEST_MYSQL_URL is set: using that server as it is"
  exit 0
fi

listening() { (exec 3<>"/dev/tcp/127.0.0.1/${PORT}") 2>/dev/null; }
test_account_works() {
  command -v mariadb >/dev/null 2>&1 \
    && mariadb --protocol=tcp -h127.0.0.1 -P"$PORT" -u"$TEST_USER" -p"$TEST_PASSWORD" -e 'SELECT 1' >/dev/null 2>&1
}
# The database set-up tests create (and drop) accounts of their own, named tm_*.
test_account_complete() {
  test_account_works \
    && mariadb --protocol=tcp -h127.0.0.1 -P"$PORT" -u"$TEST_USER" -p"$TEST_PASSWORD" -N -e 'SHOW GRANTS' 2>/dev/null | grep -q 'CREATE USER'
}

# Already set up by an earlier run: nothing to do (the common, fast path).
if listening && test_account_complete; then
  exit 0
fi

if ! command -v mariadbd >/dev/null 2>&1 && ! listening; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    fail "MariaDB is not installed and this machine has no root apt-get to install it.
  Run a MySQL 8 or MariaDB yourself and set TEST_MYSQL_URL=mysql://user:pass@127.0.0.1:3306
  (an account that may create and drop databases named tm_*)."
  fi
  say "installing mariadb-server with apt-get (one time)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends mariadb-server mariadb-client >&2
fi

if ! listening; then
  [ "$(id -u)" = 0 ] || fail "nothing listens on 127.0.0.1:${PORT} and only root can start mariadbd here"
  mkdir -p /run/mysqld
  chown mysql:mysql /run/mysqld
  if [ ! -d "${DATADIR}/mysql" ]; then
    say "initialising the data directory ${DATADIR}"
    mkdir -p "$DATADIR"
    chown mysql:mysql "$DATADIR"
    mariadb-install-db --user=mysql --datadir="$DATADIR" --skip-test-db >&2
  fi
  say "starting mariadbd on 127.0.0.1:${PORT} (log: ${LOG})"
  # mariadbd refuses to run as root, hence --user=mysql. max_connections is raised because the
  # parallel jest workers, the benchmark and its baseline each hold pools.
  nohup mariadbd --user=mysql --datadir="$DATADIR" --bind-address=127.0.0.1 --port="$PORT" \
    --socket=/run/mysqld/mysqld.sock --max-connections=1000 --skip-name-resolve \
    >"$LOG" 2>&1 </dev/null &
  for _ in $(seq 1 120); do
    listening && break
    sleep 0.5
  done
  listening || { tail -n 30 "$LOG" >&2 || true; fail "mariadbd did not start listening on ${PORT} within 60 s"; }
fi

# Our own account, created once; existing accounts (root included) are never altered.
SQL="CREATE USER IF NOT EXISTS '${TEST_USER}'@'127.0.0.1' IDENTIFIED BY '${TEST_PASSWORD}';
GRANT ALL PRIVILEGES ON \`tm\\_%\`.* TO '${TEST_USER}'@'127.0.0.1' WITH GRANT OPTION;
GRANT CREATE USER ON *.* TO '${TEST_USER}'@'127.0.0.1';"
created=false
for _ in $(seq 1 20); do
  if command -v mariadb >/dev/null 2>&1 && mariadb --protocol=socket -uroot -e "$SQL" >/dev/null 2>&1; then
    created=true
    break
  fi
  sleep 0.5
done
$created || fail "a server listens on 127.0.0.1:${PORT}, but this script cannot create its test account there
  (root cannot log in over the unix socket). Create one yourself, allowed to create and drop databases named tm_*,
  and set TEST_MYSQL_URL=mysql://user:pass@127.0.0.1:${PORT}"
test_account_works || fail "created ${TEST_USER}, but it cannot log in over TCP on 127.0.0.1:${PORT}"
say "ready on 127.0.0.1:${PORT}: account ${TEST_USER} (databases tm_*, may create accounts for the set-up tests)"
