"""What every API for other systems shares: registering its blueprint (exempt from CSRF, errors in
the API's own shape, never an HTML page) and checking the caller's API key.

    from app.api import api_key_required, bearer_token, register_api_blueprint
    from app.services import api_keys

    bp = Blueprint("enforcement_api", __name__, url_prefix="/api/enforcement/v1")

    @bp.get("/vrm/<vrm>")
    @api_key_required(api_keys.ENFORCEMENT, read_key=bearer_token)
    def check_vrm(vrm): ...   # g.api_key is the key

    register_api_blueprint(app, bp)   # in create_app

See docs/api-keys.md.
"""

from app.api.blueprints import ErrorResponse, api_for_path, json_error, register_api_blueprint
from app.api.keys import (
    KeyReader,
    RefusalResponse,
    api_key_required,
    bearer_token,
    json_refusal,
    key_parameter,
    protect_blueprint,
)

__all__ = [
    "ErrorResponse",
    "KeyReader",
    "RefusalResponse",
    "api_for_path",
    "api_key_required",
    "bearer_token",
    "json_error",
    "json_refusal",
    "key_parameter",
    "protect_blueprint",
    "register_api_blueprint",
]
