#!/usr/bin/env bash
# Installs Debian's PostgreSQL 15 server binaries for the mfa-ha-tests module (a real primary and
# a streaming standby, started from /usr/lib/postgresql/15/bin) and creates the unprivileged user
# the servers run as when the tests run as root (PostgreSQL refuses to run as root).
# Idempotent: does nothing that is already done. The distribution's own cluster is never started.
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin
PG_USER="${MFA4J_PG_USER:-mfa4jpg}"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

have_binaries() {
  local b
  for b in initdb pg_ctl pg_basebackup postgres; do
    [ -x "$PG_BIN/$b" ] || return 1
  done
}

if have_binaries; then
  echo "install-postgres: $("$PG_BIN/postgres" --version) already installed"
else
  export DEBIAN_FRONTEND=noninteractive
  # Install the binaries only: no cluster is created or started by the package.
  $SUDO mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.d/mfa4j.conf >/dev/null
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends postgresql-15
  if ! have_binaries; then
    echo "install-postgres: $PG_BIN is incomplete after install" >&2
    exit 1
  fi
  echo "install-postgres: installed $("$PG_BIN/postgres" --version)"
fi

if id -u "$PG_USER" >/dev/null 2>&1; then
  echo "install-postgres: user $PG_USER exists"
else
  $SUDO useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_USER"
  echo "install-postgres: created user $PG_USER"
fi
