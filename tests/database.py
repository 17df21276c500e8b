"""Schema set-up for test databases: always through the real migrations."""

import sqlalchemy as sa
from flask_migrate import upgrade

from app.extensions import db


def reset_schema(app) -> None:
    """Empty the database and run every migration from scratch."""
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "postgresql":
            with engine.begin() as connection:
                connection.execute(sa.text("DROP SCHEMA public CASCADE"))
                connection.execute(sa.text("CREATE SCHEMA public"))
        else:
            metadata = sa.MetaData()
            metadata.reflect(engine)
            metadata.drop_all(engine)
            with engine.begin() as connection:
                connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        db.session.remove()
