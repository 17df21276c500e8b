"""Signed, expiring tokens for links we email. Each purpose has its own salt."""

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class TokenInvalid(Exception):
    pass


class TokenExpired(TokenInvalid):
    pass


def _serializer(secret_key: str, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=f"doorstep.{purpose}")


def make(secret_key: str, purpose: str, payload: dict) -> str:
    return _serializer(secret_key, purpose).dumps(payload)


def read(secret_key: str, purpose: str, token: str, max_age_seconds: int) -> dict:
    if not token or len(token) > 1000:
        raise TokenInvalid
    try:
        payload = _serializer(secret_key, purpose).loads(token, max_age=max_age_seconds)
    except SignatureExpired as error:
        raise TokenExpired from error
    except BadSignature as error:
        raise TokenInvalid from error
    if not isinstance(payload, dict):
        raise TokenInvalid
    return payload
