#!/bin/sh
# Runs once, when the quick-start's demo database is first created (docker-entrypoint-initdb.d):
# gives the login role Gatehouse uses the password the gateway reads from the same variable.
# (psql substitutes :'password' in its input only, not in -c.)
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -v password="$GATEHOUSE_AGENT_PASSWORD" <<'SQL'
ALTER ROLE gh_agent PASSWORD :'password';
SQL
