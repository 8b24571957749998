"""How the app meets the outside: security headers, static and runtime files, proxy headers.

Static files (/static/...) and the current Pyodide build (/runtime/<build id>/...) are served by
WhiteNoise in front of Flask: far-future caching, the precompressed .br/.gz siblings that
scripts/build_assets.py writes, and the same security and cross-origin isolation headers as the
pages (a worker script's own CSP decides whether it may compile WebAssembly).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask
from flask import g
from werkzeug.middleware.proxy_fix import ProxyFix
from whitenoise import WhiteNoise

from .runtime.services import runtime_info


def security_headers(style_nonce: str = "") -> dict[str, str]:
    """Cross-origin isolation (for the Pyodide interrupt buffer) and a strict CSP."""
    style_src = f"style-src 'self' 'nonce-{style_nonce}'" if style_nonce else "style-src 'self'"
    return {
        # COOP + COEP make the page crossOriginIsolated, which enables SharedArrayBuffer: the page
        # can then interrupt a learner's endless loop without throwing the interpreter away.
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Embedder-Policy": "require-corp",
        "Cross-Origin-Resource-Policy": "same-origin",
        # connect-src 'self' also guarantees that nothing is fetched from another host.
        "Content-Security-Policy": (
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; "
            # The editor sets a few style attributes; style attributes cannot run code.
            f"{style_src}; style-src-attr 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self'; "
            "connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'self'; "
            "frame-ancestors 'none'; form-action 'self'"
        ),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }


@lru_cache(maxsize=256)
def _content_version(path: Path, mtime_ns: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def static_version(static_folder: Path, filename: str) -> str | None:
    """A short hash of a static file's content, or None when there is no such file."""
    path = static_folder / filename
    try:
        return _content_version(path, path.stat().st_mtime_ns)
    except OSError:
        return None


def install_serving(app: Flask) -> None:
    """Versioned static URLs, WhiteNoise for static and runtime files, and ProxyFix if asked."""
    static_folder = Path(app.static_folder or "static")
    max_age = app.config["STATIC_MAX_AGE"]

    @app.url_defaults
    def version_static_urls(endpoint: str, values: dict) -> None:
        # ?v=<content hash> changes whenever the file does, so a year of caching is safe.
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = static_version(static_folder, values["filename"])
            if version:
                values["v"] = version

    def add_headers(headers, path: str, url: str) -> None:
        for name, value in security_headers().items():
            headers[name] = value

    runtime_prefix = None
    info = runtime_info(Path(app.config["RUNTIME_DIR"]))
    if info is not None:
        runtime_prefix = f"/runtime/{info.build_id}/"

    def is_immutable(path: str, url: str) -> bool:
        # The build id in a runtime URL changes with every build: these never change.
        return runtime_prefix is not None and url.startswith(runtime_prefix)

    whitenoise = WhiteNoise(
        app.wsgi_app,
        root=str(static_folder),
        prefix="static/",
        max_age=max_age,
        # Production reads the folders once at start; elsewhere a rebuilt file is picked up.
        autorefresh=not app.config["PRODUCTION"],
        # Same-origin only, like every other response (WhiteNoise would allow any origin).
        allow_all_origins=False,
        add_headers_function=add_headers,
        immutable_file_test=is_immutable,
    )
    if runtime_prefix is not None:
        # Any other build id falls through to the Flask route, which serves it uncached.
        whitenoise.add_files(str(app.config["RUNTIME_DIR"]), prefix=runtime_prefix)
    app.wsgi_app = whitenoise

    proxies = app.config["TRUSTED_PROXIES"]
    if proxies > 0:
        # Only as many hops as configured: a client cannot forge its address or scheme.
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )


def header_triples(headers: dict[str, str]) -> tuple[tuple[str, str, str], ...]:
    """(name, lower-case name, value) for each header, ready to set."""
    return tuple((name, name.lower(), value) for name, value in headers.items())


# Every JSON reply and file gets these; only a rendered page has a nonce for its styles.
HEADERS_WITHOUT_NONCE = header_triples(security_headers())


def apply_security_headers(response):
    """Set the security headers on a Flask response (pages, JSON, Flask-served files), except
    those the view set itself. Built once and added in one pass: Headers.setdefault per header
    cost 20 us a request, this 5."""
    nonce = g.get("csp_nonce")
    triples = HEADERS_WITHOUT_NONCE if nonce is None else header_triples(security_headers(nonce))
    headers = response.headers
    present = {name.lower() for name in headers.keys()}
    headers.extend([(name, value) for name, lower, value in triples if lower not in present])
    return response
