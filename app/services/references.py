"""Case references a person can read out on the phone: short, with no characters that look alike
(no 0/O, 1/I/L, 2/Z, 5/S, 8/B)."""

from __future__ import annotations

import secrets

ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
LENGTH = 8


def new_reference() -> str:
    """Like "KX7D-M3QA": 25^8 (about 150 billion) possibilities, so guessing one is hopeless."""
    characters = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{characters[:4]}-{characters[4:]}"


def normalise(typed: str) -> str:
    """What a person typed, as stored: upper case, spaces removed, hyphen in the middle."""
    cleaned = "".join(ch for ch in typed.upper() if ch.isalnum())
    return f"{cleaned[:4]}-{cleaned[4:]}" if len(cleaned) == LENGTH else cleaned
