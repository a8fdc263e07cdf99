"""API shapes of the achievement image endpoints."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class AchievementImageRead(BaseModel):
    """An uploaded achievement image, without its bytes."""

    model_config = ConfigDict(from_attributes=True)

    achievement_id: str
    media_type: str = Field(examples=["image/png"])
    size: int = Field(description="Size of the stored image in bytes.")
    sha256: str = Field(description="SHA-256 of the stored image, hex.")
    uploaded_at: datetime
    uploaded_by: str
    url: str = Field(description="Public URL that serves the image.")
