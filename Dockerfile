# Production image of the safety-production responsibility platform.
# One image for every role: web (gunicorn), worker and beat; see docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, from pyproject.toml alone, so code changes do not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The project itself, installed in place (editable) so templates, static files and
# translations are found beside the code.
COPY . .
RUN pip install --no-deps -e . \
    && SECRET_KEY=collectstatic-only DEBUG=false VAR_DIR=/tmp/build-var python manage.py collectstatic --noinput -v 0 \
    && rm -rf /tmp/build-var \
    && useradd --create-home --uid 1000 --user-group app \
    && mkdir -p /app/var /app/media \
    && chown app:app /app/var /app/media \
    && chmod +x docker/entrypoint.sh scripts/serve-web scripts/serve-worker scripts/serve-beat

USER app
ENV MEDIA_ROOT=/app/media \
    VAR_DIR=/app/var
VOLUME ["/app/media", "/app/var"]
EXPOSE 8000

ENTRYPOINT ["docker/entrypoint.sh"]
CMD ["scripts/serve-web"]
