"""Login-name rows (USER-LOGIN-IDENTITY): for a user just created, a name that differs from its name
only in letter case or by surrounding whitespace, and that names nobody, must not log in with the
user's password. A login layer that folds case, trims, or matches a prefix lets it in.

Input: none (the case makes the user); data: `LoginName` (how the variant is derived)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from milvus_conformance.harness.scenarios import Row

IDENTITY = "USER-LOGIN-IDENTITY"


@dataclass(frozen=True)
class LoginName:
    variant: Callable[[str], str]  # the user's name -> the name the login sends
    needs_case_sensitive: bool = False  # only where the profile says names are case-sensitive


def _one_case_flipped(name: str) -> str:
    """The last letter's case flipped (the run prefix stays as it is)."""
    i = max(i for i, c in enumerate(name) if c.isalpha())
    return name[:i] + name[i].swapcase() + name[i + 1 :]


LOGIN_NAME_ROWS = [
    Row("one-letter-case-flipped", (IDENTITY,), data=LoginName(_one_case_flipped, True)),
    Row("all-upper", (IDENTITY,), data=LoginName(str.upper, True)),
    Row("all-lower", (IDENTITY,), data=LoginName(str.lower, True)),
    Row("leading-space", (IDENTITY,), data=LoginName(lambda n: " " + n)),
    Row("trailing-space", (IDENTITY,), data=LoginName(lambda n: n + " ")),
    Row("trailing-tab", (IDENTITY,), data=LoginName(lambda n: n + "\t")),
    Row("trailing-newline", (IDENTITY,), data=LoginName(lambda n: n + "\n")),
    Row("trailing-nul", (IDENTITY,), data=LoginName(lambda n: n + "\x00")),
    Row("one-more-letter", (IDENTITY,), data=LoginName(lambda n: n + "x")),
    Row("without-last", (IDENTITY,), data=LoginName(lambda n: n[:-1])),
]
