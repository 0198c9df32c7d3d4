#!/bin/sh
# Runs once, when the quick-start's demo database is first created (docker-entrypoint-initdb.d):
# gives the login role Gatehouse uses the password the gateway reads from the same variable.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v password="$GATEHOUSE_AGENT_PASSWORD" -c "ALTER ROLE gh_agent PASSWORD :'password'"
