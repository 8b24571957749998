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
    return {
        "host": "0.0.0.0",
        "port": int(environ.get("PORT", 8000)),
        "workers": 2,
    }


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, **server_options(os.environ))
