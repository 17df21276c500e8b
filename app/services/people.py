"""Finding and managing accounts, for staff and administrators."""

from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.models import Role, User

PAGE_SIZE = 25


@dataclass
class Page:
    items: list
    page: int
    total: int
    page_size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def search(query: str, *, page: int = 1, roles: tuple[Role, ...] | None = None) -> Page:
    """Active accounts whose name, email or postcode contains the query, newest first."""
    statement = sa.select(User).where(User.deleted_at.is_(None))
    query = (query or "").strip()[:100]
    if query:
        pattern = "%" + query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        statement = statement.where(
            sa.or_(
                sa.func.lower(User.full_name).like(pattern, escape="\\"),
                User.email.like(pattern, escape="\\"),
                sa.func.lower(User.address_postcode).like(pattern, escape="\\"),
            )
        )
    if roles:
        statement = statement.where(User.role.in_(roles))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(statement.subquery()))
    page = max(1, page)
    items = list(db.session.scalars(statement.order_by(User.id.desc()).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    return Page(items=items, page=page, total=total)


def get_active(user_id: int) -> User | None:
    user = db.session.get(User, user_id)
    return user if user is not None and user.is_active else None


def set_role(user: User, role: Role) -> None:
    user.role = role
