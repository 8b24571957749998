"""Gunicorn settings for production: `gunicorn -c gunicorn.conf.py 'app:create_app()'`.

Every setting comes from the environment (see the README's configuration reference).
"""

import gc
import os


def _whole(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    try:
        return int(raw) if raw else default
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}") from None


bind = f"{os.environ.get('HOST', '0.0.0.0')}:{_whole('PORT', 8000)}"
# Processes: each has its own interpreter; 2 per core is gunicorn's usual advice.
workers = _whole("WEB_CONCURRENCY", 2)
# Threads per process: 4, the best p99 measured at ~300 requests/s offered on 2 cores
# (scripts/load.py; 2, 8 threads, 4 processes and sync workers measured no better). One thread
# per worker used less CPU at full load, but a tutor turn (up to TUTOR_TURN_DEADLINE_S) and the
# reference's wait for a re-check (up to RECHECK_WAIT_S) hold a thread for tens of seconds, and
# two such requests would then stall everyone.
threads = _whole("GUNICORN_THREADS", 4)
timeout = _whole("GUNICORN_TIMEOUT", 60)
graceful_timeout = _whole("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# A worker is replaced after this many requests (with jitter), which bounds any slow leak. Each
# attempt is a request: with 2000 and 10% jitter, evenly loaded workers all restarted within
# seconds of each other under a classroom's load (a 20 s stall at p99, scripts/load.py); half
# the count as jitter spreads the restarts out.
max_requests = _whole("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = max_requests // 2
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Proxy headers are handled by the app (TRUSTED_PROXIES, werkzeug's ProxyFix), not by gunicorn.
forwarded_allow_ips = ""
# No management socket (new in gunicorn 27): nothing uses it, and a read-only home cannot hold it.
control_socket_disable = True
# Heartbeat files in memory, not on a container's overlay disk.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"


def post_worker_init(worker) -> None:
    """Once the worker has built the app, hide what it built from the garbage collector."""
    # The app, its exercise catalog and every imported module are some 125,000 objects that
    # live as long as the worker. A full collection walked them all, 25-60 ms with every thread
    # of the worker stopped, and that made the slowest requests. Frozen, a collection walks
    # only what requests created since (gc.freeze, as Python's documentation suggests for
    # long-lived objects built before serving).
    gc.freeze()
