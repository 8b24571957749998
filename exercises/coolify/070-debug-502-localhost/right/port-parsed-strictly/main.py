"""Order-status API: a small ASGI app. Coolify's start command is `python main.py`."""

import json
import os

DEFAULT_PORT = 8000
EVERY_INTERFACE = "0.0.0.0"


async def app(scope, receive, send):
    """Answer every request with the status of the shop's order queue."""
    body = json.dumps({"status": "ok", "queued_orders": 0}).encode()
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [(b"content-type", b"application/json")],
    })
    await send({"type": "http.response.body", "body": body})


def server_options(environ):
    """Where uvicorn listens, as keyword arguments for uvicorn.run()."""
    raw = environ.get("PORT", "").strip()
    port = int(raw) if raw.isdigit() else DEFAULT_PORT
    return dict(host=EVERY_INTERFACE, port=port, proxy_headers=True,
                forwarded_allow_ips="*")


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, **server_options(os.environ))
