# syntax=docker/dockerfile:1
# Friction Lab: one image for Coolify, Docker Compose and Kubernetes.
#   docker build -t friction-lab .
# Stage "assets" builds the editor bundle and the self-hosted Pyodide runtime with Node (npm ci
# from package-lock.json) and Python (scripts/build_assets.py); stage "app" is a slim Python image
# with the app, those built files, Node (the server re-checks learners' work in Pyodide under
# Node) and pg_dump/pg_restore (flask backup), running as a non-root user.

ARG PYTHON_IMAGE=python:3.13-slim-trixie
# Only Node's binary and npm are copied out of this image; glibc in trixie is newer, so it runs.
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS node

FROM ${PYTHON_IMAGE} AS assets
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY pyproject.toml README.md requirements-pyodide.txt ./
COPY app ./app
RUN pip install ".[build]"
COPY scripts/build_assets.py ./scripts/build_assets.py
COPY static ./static
# The memory snapshot of the Pyodide runtime is taken by the Node runner's builder.
COPY runner ./runner
RUN python scripts/build_assets.py

FROM ${PYTHON_IMAGE} AS app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    FRICTION_ENV=production \
    FLASK_APP=app \
    BACKUP_DIR=/backups \
    PORT=8000
# pg_dump and pg_restore for `flask backup` (the client matches PostgreSQL 17 of the compose file).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 friction \
    && useradd --system --uid 10001 --gid friction --home-dir /app --shell /usr/sbin/nologin friction
COPY --from=node /usr/local/bin/node /usr/local/bin/node
WORKDIR /app
COPY pyproject.toml README.md ./
COPY app ./app
# Editable, so the app finds its templates, exercises and migrations beside it in /app.
RUN pip install -e ".[postgres,redis]"
COPY gunicorn.conf.py ./
COPY migrations ./migrations
COPY templates ./templates
COPY exercises ./exercises
COPY runner ./runner
COPY static ./static
COPY --from=assets /src/static/dist ./static/dist
COPY --from=assets /src/static/vendor/pyodide ./static/vendor/pyodide
COPY scripts/docker-entrypoint.sh ./scripts/docker-entrypoint.sh
RUN mkdir -p /app/instance /backups && chown friction:friction /app/instance /backups
USER friction
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz\", timeout=4)"]
ENTRYPOINT ["/app/scripts/docker-entrypoint.sh"]
CMD ["gunicorn", "--config", "gunicorn.conf.py", "app:create_app()"]
