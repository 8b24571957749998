"""A tiny shop front: one page and a health check for Coolify."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return "Hello from the shop!"


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


if __name__ == "__main__":
    # Flask's development server: fine on your laptop, not in production.
    app.run(debug=True)
