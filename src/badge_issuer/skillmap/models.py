"""Every skill map version ever loaded; exactly one is current."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from badge_issuer.db import Base
from badge_issuer.kit.partial_index import partial_index


class SkillMapVersion(Base):
    __tablename__ = "skill_map_version"
    __table_args__ = (
        partial_index(
            "uq_skill_map_version_one_current", "is_current", where="is_current", unique=True
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    label: Mapped[str] = mapped_column(String(100))
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    # The parsed, validated map (what rules run on) and the text as submitted.
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    source_text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)
