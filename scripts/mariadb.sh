#!/usr/bin/env bash
# Makes a MariaDB server usable on 127.0.0.1:3306 for the API tests and benchmark, idempotently:
#   1. installs mariadb-server with apt-get when it is missing (needs root; CI machines are fresh),
#   2. starts mariadbd as the mysql user when nothing listens on the port,
#   3. gives root a password usable over TCP (the Debian default is unix-socket auth only).
# Settings: MARIADB_PORT (3306), MARIADB_ROOT_PASSWORD (taskmanager-test).
# Everything it prints goes to stderr so callers can use stdout.
set -euo pipefail

PORT="${MARIADB_PORT:-3306}"
PASSWORD="${MARIADB_ROOT_PASSWORD:-taskmanager-test}"
DATADIR="${MARIADB_DATADIR:-/var/lib/mysql}"
LOG="${MARIADB_LOG:-/tmp/mariadbd-${PORT}.log}"

say() { echo "[mariadb.sh] $*" >&2; }
fail() { echo "[mariadb.sh] ERROR: $*" >&2; exit 1; }

listening() { (exec 3<>"/dev/tcp/127.0.0.1/${PORT}") 2>/dev/null; }

# Already up and usable over TCP with our password: nothing to do (the common, fast path).
if listening && command -v mariadb >/dev/null 2>&1 \
  && mariadb --protocol=tcp -h127.0.0.1 -P"$PORT" -uroot -p"$PASSWORD" -e 'SELECT 1' >/dev/null 2>&1; then
  exit 0
fi

# Something else already serves the port (a MySQL of your own, a container) and we cannot manage
# it: leave it alone; the tests say clearly if they cannot log in with TEST_MYSQL_URL.
if listening && [ "$(id -u)" != 0 ] && ! command -v mariadb >/dev/null 2>&1; then
  say "a server listens on 127.0.0.1:${PORT}; not managing it (tests use TEST_MYSQL_URL)"
  exit 0
fi

if ! command -v mariadbd >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    fail "MariaDB is not installed and this machine has no root apt-get to install it.
  Install MariaDB or MySQL yourself, make it listen on 127.0.0.1:${PORT} with user root and password '${PASSWORD}',
  or point TEST_MYSQL_URL at a server you have (mysql://user:pass@host:port)."
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

# Root over TCP with a password. Through the unix socket as root first (works on a fresh install),
# falling back to the password (already configured by an earlier run).
SQL="ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('${PASSWORD}') OR unix_socket;
CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '${PASSWORD}';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
FLUSH PRIVILEGES;"
for _ in $(seq 1 20); do
  if mariadb --protocol=socket -uroot -e "$SQL" >/dev/null 2>&1 \
    || mariadb --protocol=tcp -h127.0.0.1 -P"$PORT" -uroot -p"$PASSWORD" -e "$SQL" >/dev/null 2>&1; then
    break
  fi
  sleep 0.5
done
mariadb --protocol=tcp -h127.0.0.1 -P"$PORT" -uroot -p"$PASSWORD" -e 'SELECT 1' >/dev/null 2>&1 \
  || fail "MariaDB listens on ${PORT} but root/'${PASSWORD}' cannot log in over TCP"
say "ready on 127.0.0.1:${PORT}"
