"""Accounts: users with hashed passwords, signed session cookies, and the ``require_operator`` dependency.

Kept deliberately small (the hubs issue extends it): one ``users`` table, scrypt password hashes with a
per-user salt, constant-time comparison, and a session cookie signed with the settings' secret key.
"""

from moduai.accounts.schemas import UserCreate, UserPublic

__all__ = ["UserCreate", "UserPublic"]
