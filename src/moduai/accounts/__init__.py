"""Accounts: users and roles, revocable signed sessions, invites, login throttling, the audit log, keys.

- ``policy``: roles, :class:`~moduai.accounts.policy.Principal`, the permission table
  (``permissions/*.yaml``) and the ``current_principal`` dependency; ``moduai.web.access`` enforces the
  table for every request.
- ``keys``: the session and identifier keys (never in the database) and ``keyed_hash``.
- ``service``: users (scrypt hashes), sessions, throttling, invites, role changes, audit.
- ``lifecycle``: export/purge of a user's data, key rotation.
"""

from moduai.accounts.schemas import UserCreate, UserPublic

__all__ = ["UserCreate", "UserPublic"]
