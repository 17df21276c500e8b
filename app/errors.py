"""Error pages in the site's own style, in the person's language; under an API's prefix, the API's
own error instead (app/api/blueprints.py), never a page."""

import logging

from flask import render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.api.blueprints import error_response, http_error_response

log = logging.getLogger("doorstep.errors")

PAGES = {400: "400", 403: "403", 404: "404", 405: "405", 413: "413", 429: "429"}


def init_app(app):
    @app.errorhandler(CSRFError)
    def form_expired(error):
        api_error = http_error_response(error)
        if api_error is not None:
            return api_error
        return render_template("errors/form_expired.html"), 400

    @app.errorhandler(HTTPException)
    def http_error(error):
        api_error = http_error_response(error)
        if api_error is not None:
            return api_error
        code = error.code or 500
        if code in PAGES:
            return render_template(f"errors/{PAGES[code]}.html"), code
        if code >= 500:
            return render_template("errors/500.html"), code
        return render_template("errors/400.html"), code

    @app.errorhandler(Exception)
    def unexpected_error(error):
        log.exception("unhandled error")
        api_error = error_response(500)
        if api_error is not None:
            return api_error
        return render_template("errors/500.html"), 500
