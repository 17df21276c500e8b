"""UK bank details: a sort code and account number read as people type them, and checked with the
modulus checks Vocalink publishes ("Validating account numbers", the Bacs rules every bank's
numbers follow).

Why not a library: `schwifty` checks IBANs but has no UK modulus check; `uk-modulus-check` (0.0.1)
ships no weight table and no tests; `ukmodulus` (0.1.2) has not been updated since 2017. So the
algorithm is written here from the published rules, and the weight table (valacdos.txt) and sort
code substitution table (scsubtab.txt) in bank_details_data/ are Vocalink's, as bundled with
`ukmodulus` 0.1.2 (MIT). Vocalink publishes new tables a few times a year: replace the two files
with the new ones (same format) to take them up. A sort code outside every range in the table
cannot be checked, and Vocalink's rule is to accept it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("bank_details_data")
SEPARATORS = re.compile(r"[\s-]")
_POSITIONS = "uvwxyzabcdefgh"
_ZERO_SORT_CODE_AND_AB = range(0, 8)  # u..b: the weights set to 0 by exceptions 7 and 10
# Exceptions whose two checks are alternatives (either passing is enough), not both required.
_EITHER = {2, 9, 10, 11, 12, 13}


@dataclass(frozen=True)
class Rule:
    start: int
    end: int
    method: str  # MOD10, MOD11 or DBLAL
    weights: tuple[int, ...]  # 14: u v w x y z (sort code) a b c d e f g h (account number)
    exception: int | None


@cache
def _rules() -> tuple[Rule, ...]:
    found = []
    for line in (DATA / "valacdos.txt").read_text(encoding="ascii").splitlines():
        parts = line.split()
        if not parts:
            continue
        found.append(
            Rule(
                start=int(parts[0]),
                end=int(parts[1]),
                method=parts[2],
                weights=tuple(int(weight) for weight in parts[3:17]),
                exception=int(parts[17]) if len(parts) > 17 else None,
            )
        )
    return tuple(found)


@cache
def _substitutions() -> dict[str, str]:
    lines = (DATA / "scsubtab.txt").read_text(encoding="ascii").splitlines()
    return dict(line.split()[:2] for line in lines if line.strip())


def rules_for(sort_code: str) -> list[Rule]:
    number = int(sort_code)
    return [rule for rule in _rules() if rule.start <= number <= rule.end]


def clean_sort_code(text: str | None) -> str | None:
    """'12-34-56', '12 34 56' or '123456' as '123456'; None if it is not 6 digits."""
    digits = SEPARATORS.sub("", text or "")
    return digits if len(digits) == 6 and digits.isascii() and digits.isdigit() else None


def clean_account_number(text: str | None) -> str | None:
    """6 to 8 digits (spaces and dashes ignored), as 8 with leading zeros as the rules say; else None."""
    digits = SEPARATORS.sub("", text or "")
    if not (6 <= len(digits) <= 8 and digits.isascii() and digits.isdigit()):
        return None
    return digits.rjust(8, "0")


def formatted_sort_code(sort_code: str) -> str:
    return f"{sort_code[0:2]}-{sort_code[2:4]}-{sort_code[4:6]}"


def _passes(rule: Rule, sort_code: str, account: str) -> bool:
    if rule.exception == 5:
        sort_code = _substitutions().get(sort_code, sort_code)
    elif rule.exception == 8:
        sort_code = "090126"
    elif rule.exception == 9:
        sort_code = "309634"
    digits = [int(digit) for digit in sort_code + account]
    at = {name: digits[index] for index, name in enumerate(_POSITIONS)}
    weights = list(rule.weights)
    if rule.exception == 3 and at["c"] in (6, 9):
        return True  # this check is not made
    if rule.exception == 6 and at["a"] in (4, 5, 6, 7, 8) and at["g"] == at["h"]:
        return True  # a foreign currency account: it cannot be checked
    if rule.exception == 2 and at["a"] != 0:
        weights = (
            [0, 0, 0, 0, 0, 0, 0, 0, 8, 7, 10, 9, 3, 1] if at["g"] == 9 else [0, 0, 1, 2, 5, 3, 6, 4, 8, 7, 10, 9, 3, 1]
        )
    if (rule.exception == 7 and at["g"] == 9) or (
        rule.exception == 10 and (at["a"], at["b"]) in ((0, 9), (9, 9)) and at["g"] == 9
    ):
        for index in _ZERO_SORT_CODE_AND_AB:
            weights[index] = 0
    products = [digit * weight for digit, weight in zip(digits, weights, strict=True)]
    if rule.method == "DBLAL":
        total = sum(sum(int(figure) for figure in str(product)) for product in products)
    else:
        total = sum(products)
    if rule.exception == 1:
        total += 27
    remainder = total % (11 if rule.method == "MOD11" else 10)
    if rule.exception == 4:
        return remainder == at["g"] * 10 + at["h"]
    if rule.exception == 5:
        if rule.method == "MOD11":
            if remainder == 1:
                return False
            return at["g"] == 0 if remainder == 0 else 11 - remainder == at["g"]
        return at["h"] == 0 if remainder == 0 else 10 - remainder == at["h"]
    return remainder == 0


def modulus_check(sort_code: str, account_number: str) -> bool:
    """Whether the sort code (6 digits) and account number (8 digits) pass Vocalink's checks."""
    rules = rules_for(sort_code)
    if not rules:
        return True  # a sort code the table does not cover cannot be checked: accept it
    first = rules[0]
    if _passes(first, sort_code, account_number):
        if len(rules) == 1 or first.exception in _EITHER or first.exception == 14:
            return True
        return _passes(rules[1], sort_code, account_number)
    if first.exception == 14:
        # Rerun with the last digit dropped and a zero in front, when the last digit is 0, 1 or 9.
        if account_number[7] not in "019":
            return False
        return _passes(first, sort_code, "0" + account_number[:7])
    if len(rules) > 1 and first.exception in _EITHER:
        return _passes(rules[1], sort_code, account_number)
    return False


def last_digits(number: str, count: int) -> str:
    return number[-count:]
