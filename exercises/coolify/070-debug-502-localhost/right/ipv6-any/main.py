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
    """Where uvicorn listens: every interface ([::] also takes IPv4 on Linux), port from PORT."""
    port = environ.get("PORT", "").strip() or "8000"
    return dict(host="::", port=int(port))


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, **server_options(os.environ))
