"""Achievement images uploaded by admins: the artwork that credentials are baked into."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from badge_issuer.db import Base


class AchievementImage(Base):
    """One image per achievement; uploading again replaces it.

    Stored here because the skill map's `image` is a URL the service must never fetch.
    """

    __tablename__ = "achievement_image"

    # Skill map identifiers are up to 128 characters.
    achievement_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(32))
    # The image exactly as uploaded (validated, never carrying a credential).
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime]
    uploaded_by: Mapped[str] = mapped_column(String(200))

    def __repr__(self) -> str:
        return (
            f"AchievementImage(achievement_id={self.achievement_id!r}, "
            f"media_type={self.media_type!r}, sha256={self.sha256[:12]!r})"
        )
