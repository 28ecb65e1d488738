#!/bin/sh
# Container entrypoint. ROLE=web applies the database migrations before serving, so exactly one
# service (web) migrates; worker and beat start after web is healthy (see docker-compose.yml).
set -e

if [ "${ROLE:-}" = "web" ]; then
    echo "Applying database migrations"
    python manage.py migrate --noinput
fi

exec "$@"
