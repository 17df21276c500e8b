import time

import pytest

from app.security import is_safe_next
from app.services import tokens


def test_tokens_round_trip_and_are_bound_to_their_purpose():
    token = tokens.make("k" * 40, "verify-email", {"uid": 1})
    assert tokens.read("k" * 40, "verify-email", token, 60) == {"uid": 1}
    with pytest.raises(tokens.TokenInvalid):
        tokens.read("k" * 40, "reset-password", token, 60)
    with pytest.raises(tokens.TokenInvalid):
        tokens.read("another-key" * 4, "verify-email", token, 60)


def test_expired_tokens_are_refused():
    token = tokens.make("k" * 40, "verify-email", {"uid": 1})
    time.sleep(1.1)
    with pytest.raises(tokens.TokenExpired):
        tokens.read("k" * 40, "verify-email", token, 0)


@pytest.mark.parametrize(
    ("target", "safe"),
    [
        ("/account/", True),
        ("/account/?tab=1", True),
        ("", False),
        (None, False),
        ("account", False),
        ("//evil.example", False),
        ("/\\evil.example", False),
        ("https://evil.example/", False),
        ("/\x00", False),
        ("/" + "a" * 3000, False),
    ],
)
def test_safe_next(target, safe):
    assert is_safe_next(target) is safe
