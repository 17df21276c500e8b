"""Records for tests, made through the services where that is how the app makes them."""

import itertools

from app.extensions import db
from app.models import Role, User, utcnow
from app.services import passwords

_numbers = itertools.count(1)
PASSWORD = "correct horse battery"


def make_user(*, role: Role = Role.RESIDENT, verified: bool = True, language: str = "en", **fields) -> User:
    number = next(_numbers)
    user = User(
        email=fields.pop("email", f"person{number}@example.com"),
        full_name=fields.pop("full_name", f"Test Person {number}"),
        password_hash=passwords.hash_password(fields.pop("password", PASSWORD)),
        role=role,
        language=language,
        email_verified_at=utcnow() if verified else None,
        **fields,
    )
    db.session.add(user)
    db.session.commit()
    return user


def sign_in(client, user: User, password: str = PASSWORD):
    page = client.submit("/sign-in", {"email": user.email, "password": password})
    assert page.status == 302, page.error_summary
    return page
