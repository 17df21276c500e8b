"""One commit per request, at the edge: services flush, the request commits or rolls back."""


def init_app(app, db):
    @app.after_request
    def commit_or_roll_back(response):
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response
