"""HTTP routes for the agency's configuration documents: read (and export) them; the admin sets them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from openpsap.api.deps import Cmd, Reader, allowed
from openpsap.auth.roles import Role as R
from openpsap.configuration import documents, service
from openpsap.configuration.schemas import DocumentRead, DocumentSet
from openpsap.errors import InvalidInput, NotFound

router = APIRouter(prefix="/configuration", tags=["configuration"])
READ = (R.admin, R.supervisor, R.dispatcher, R.analyst)


def _known(key: str) -> None:
    if key not in documents.KINDS:
        raise NotFound(f"unknown configuration {key!r}; known: {', '.join(documents.KINDS)}", key=key)


def read(db: Any, key: str, care_path: str | None) -> dict[str, Any]:
    row = service.stored(db, key)
    document = row.document if row is not None else service.shipped_document(key, care_path)
    return {"key": key, "title": documents.KINDS[key].title, "version": row.version if row else 0,
            "source": "event log" if row else "file", "changed_at": row.changed_at if row else None,
            "changed_by": row.changed_by if row else None, "document": document, "yaml": documents.to_yaml(document)}


@router.get("", response_model=list[DocumentRead], **allowed(*READ))
def list_documents(database: Reader, request: Request):
    """Every configuration document, as in use now."""
    care_path = request.app.state.settings.care_config or None
    with database.read() as db:
        return [DocumentRead.model_validate(read(db, key, care_path)).model_dump(mode="json") for key in documents.KINDS]


@router.get("/{key}", response_model=DocumentRead, **allowed(*READ))
def get_document(key: str, database: Reader, request: Request):
    """One document as in use now (`yaml` is its export)."""
    _known(key)
    with database.read() as db:
        return DocumentRead.model_validate(read(db, key, request.app.state.settings.care_config or None)).model_dump(mode="json")


@router.put("/{key}", response_model=DocumentRead, **allowed(R.admin))
def set_document(key: str, body: DocumentSet, cmd: Cmd, request: Request):
    """Set a document: checked by the same rules as the shipped file, recorded as `configuration-changed`."""
    _known(key)
    if body.yaml is not None:
        try:
            document = documents.read_yaml(body.yaml)
        except documents.DocumentError as exc:
            raise InvalidInput(str(exc), field="yaml") from None
    else:
        document = body.document
    care_path = request.app.state.settings.care_config or None

    def run(uow):  # noqa: ANN001, ANN202
        service.set_document(uow, key=key, document=document, source="api", expected_version=body.expected_version)
        return DocumentRead.model_validate(read(uow.session, key, care_path)).model_dump(mode="json")

    return cmd.run(run)
