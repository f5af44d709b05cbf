# Sourced by .ci/run: a throwaway PostgreSQL on 127.0.0.1:55432 for the Postgres store and cluster tests.
# Installs Debian's postgresql when missing, runs it as the postgres user (initdb refuses root), exports
# SOPSTATE_TEST_PG, and stops the cluster when the sourcing shell exits. fsync=off: test data only.
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
fi
SOPSTATE_PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
SOPSTATE_PGROOT=$(mktemp -d /tmp/sopstate-pg.XXXXXX)
chown postgres: "$SOPSTATE_PGROOT"
runuser -u postgres -- "$SOPSTATE_PGBIN/initdb" -N -D "$SOPSTATE_PGROOT/data" -U postgres --auth=trust -E UTF8 \
  --locale=C.UTF-8 >/dev/null
runuser -u postgres -- "$SOPSTATE_PGBIN/pg_ctl" -D "$SOPSTATE_PGROOT/data" -l "$SOPSTATE_PGROOT/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p 55432 -k $SOPSTATE_PGROOT -c fsync=off -c synchronous_commit=off -c max_connections=200" \
  start >/dev/null
trap 'runuser -u postgres -- "$SOPSTATE_PGBIN/pg_ctl" -D "$SOPSTATE_PGROOT/data" -m immediate stop >/dev/null 2>&1;
  rm -rf "$SOPSTATE_PGROOT"' EXIT
export SOPSTATE_TEST_PG=postgres://postgres@127.0.0.1:55432/postgres
