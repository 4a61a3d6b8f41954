"""API shapes for configuration documents."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, model_validator

from openpsap.configuration.documents import MAX_YAML_CHARS
from openpsap.schemas import Strict


class DocumentSet(Strict):
    yaml: str | None = Field(default=None, max_length=MAX_YAML_CHARS, description="the document as its YAML file holds it")
    document: dict[str, Any] | None = Field(default=None, description="or the same as JSON")
    expected_version: int | None = Field(default=None, ge=0, description="the version you edited; refused (409) if it changed since")

    @model_validator(mode="after")
    def _one_of(self) -> "DocumentSet":
        if (self.yaml is None) == (self.document is None):
            raise ValueError("give either yaml (the text) or document (JSON), not both or neither")
        return self


class DocumentRead(BaseModel):
    key: str
    title: str
    version: int = Field(description="0: never set in the log; the shipped (or the agency's) file is in use")
    source: str = Field(description="'event log' or 'file'")
    changed_at: datetime | None
    changed_by: str | None
    document: dict[str, Any]
    yaml: str
