"""Reading JSON request bodies for the API routes, with messages that say what to fix."""

from __future__ import annotations

from flask import request
from pydantic import BaseModel
from pydantic import ValidationError

from .errors import Invalid


def parse_json[M: BaseModel](
    model: type[M], refusal: str = "Not saved, the data is malformed"
) -> M:
    """Validate the JSON body against a pydantic model; a 400 names the first few bad fields."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise Invalid("Send a JSON object (Content-Type: application/json).")
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'body'}: {err['msg']}"
            for err in exc.errors()[:5]
        )
        raise Invalid(f"{refusal}: {problems}") from None
