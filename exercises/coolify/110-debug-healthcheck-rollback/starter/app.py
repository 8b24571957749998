"""The shop front. /healthz is the cheap route meant for health checks."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return "Hello from the shop! Now with gift cards."


@app.get("/healthz")
def healthz():
    return {"status": "ok"}
