"""Order-status API: a small ASGI app. Coolify's start command is `python main.py`."""

import json
import os


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
    """Coolify sets HOST=0.0.0.0 and PORT; both have safe defaults for a laptop run."""
    host = environ.get("HOST") or "0.0.0.0"
    try:
        port = int(environ["PORT"])
    except (KeyError, ValueError):
        port = 8000
    return {"host": host, "port": port}


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, **server_options(os.environ))
