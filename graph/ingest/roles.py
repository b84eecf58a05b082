"""Name the roles a write token may carry and what each allows.

Roles are ordered, each allowing what the one below it allows:

- ``contributor``: submissions that add new claims and sources and deprecate the
  contributor's own claims;
- ``curator``: also corrections of what others said (deprecating their claims, adding
  statements about nodes others created), each recorded as a curation, and batches
  that bring new frameworks and criteria (imports);
- ``admin``: also raw SPARQL Update and Graph Store writes, which bypass every check.
"""

from __future__ import annotations

CONTRIBUTOR, CURATOR, ADMIN = "contributor", "curator", "admin"
ROLES = (CONTRIBUTOR, CURATOR, ADMIN)


def allows(role: str, needed: str) -> bool:
    """Tell whether a token of ``role`` may do what needs ``needed``."""
    return ROLES.index(role) >= ROLES.index(needed)


def check_role(role: str) -> str:
    """Return ``role`` if it is one of ROLES; raise ValueError naming the choices otherwise."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    return role
