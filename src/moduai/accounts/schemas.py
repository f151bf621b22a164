"""Schemas by direction: what comes in (``UserCreate``) and what may leave (``UserPublic``, no hash)."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, field_validator

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class UserCreate(BaseModel):
    email: str
    password: str
    display_name: str | None = None
    role: str = "member"

    @field_validator("email")
    @classmethod
    def _email(cls, v: str) -> str:
        v = v.strip().lower()
        if not _EMAIL.match(v) or len(v) > 254:
            raise ValueError("이메일 주소 형식이 아닙니다 (예: name@example.kr)")
        return v


class UserPublic(BaseModel):
    """A user as the outside may see it: never the password hash."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    email: str
    display_name: str | None = None
    role: str
    is_active: bool
    hub_id: int | None = None
    region_code: str | None = None
