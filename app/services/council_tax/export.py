"""Handing requests back to the revenues system: `flask council-tax export FOLDER`.

Each run puts every waiting request into one new batch and writes it as JSON lines
(`council-tax-batch-000012.jsonl`, one request a line, oldest first). A batch's requests are chosen
and committed first (status `writing`), then the file is written under a temporary name and renamed,
then the batch is marked `written`. So a request is never in two batches, and a run that stops part
way leaves a batch that the next run writes again, whole: nothing is sent twice or lost.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from app.models import utcnow
from app.models.council_tax_requests import BatchStatus, CouncilTaxExportBatch, CouncilTaxRequest
from app.services.council_tax import direct_debits

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Written:
    batch_id: int
    path: Path
    requests: int


def _line(found: CouncilTaxRequest, batch: CouncilTaxExportBatch) -> str:
    return json.dumps(
        {
            "format": FORMAT_VERSION,
            "batch": batch.id,
            "request_id": found.id,
            "kind": found.kind.value,
            "account_ref": found.account_reference or None,  # none for a move in: the back office opens one
            "created_at": found.created_at.isoformat(),
            "details": found.details,
        },
        sort_keys=True,
        ensure_ascii=False,
    )


def _write(folder: Path, batch: CouncilTaxExportBatch) -> Path:
    requests = db.session.scalars(
        sa.select(CouncilTaxRequest).where(CouncilTaxRequest.batch_id == batch.id).order_by(CouncilTaxRequest.id)
    )
    path = folder / batch.file_name
    partial = folder / f".{batch.file_name}.partial"
    with partial.open("w", encoding="utf-8", newline="\n") as handle:
        for found in requests:
            handle.write(_line(found, batch) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    partial.replace(path)
    return path


def export(folder: Path, *, commit: Callable[[], None]) -> list[Written]:
    """Write any unfinished batch again, then a new batch of the waiting requests (none if nothing
    waits). `commit` makes each step durable before the next."""
    folder.mkdir(parents=True, exist_ok=True)
    done = []
    unfinished = list(
        db.session.scalars(
            sa.select(CouncilTaxExportBatch)
            .where(CouncilTaxExportBatch.status == BatchStatus.WRITING)
            .order_by(CouncilTaxExportBatch.id)
        )
    )
    waiting = db.session.scalar(
        sa.select(sa.func.count(CouncilTaxRequest.id)).where(CouncilTaxRequest.batch_id.is_(None))
    )
    if waiting:
        batch = CouncilTaxExportBatch(status=BatchStatus.WRITING, file_name="", request_count=0)
        db.session.add(batch)
        db.session.flush()
        batch.file_name = f"council-tax-batch-{batch.id:06d}.jsonl"
        chosen = db.session.execute(
            sa.update(CouncilTaxRequest).where(CouncilTaxRequest.batch_id.is_(None)).values(batch_id=batch.id)
        )
        batch.request_count = chosen.rowcount
        commit()
        unfinished.append(batch)
    for batch in unfinished:
        path = _write(folder, batch)
        # Handed over: only the last digits of bank numbers stay, committed with the batch's status.
        direct_debits.scrub(
            db.session.scalars(sa.select(CouncilTaxRequest).where(CouncilTaxRequest.batch_id == batch.id))
        )
        batch.status, batch.written_at = BatchStatus.WRITTEN, utcnow()
        commit()
        done.append(Written(batch.id, path, batch.request_count))
    return done


def write_again(folder: Path, batch_id: int) -> Written | None:
    """Write a finished batch's file again (the back office lost it): the same requests, the same
    lines, except that bank numbers have only their last digits by then (direct_debits.scrub)."""
    batch = db.session.get(CouncilTaxExportBatch, batch_id)
    if batch is None or batch.status is not BatchStatus.WRITTEN:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    return Written(batch.id, _write(folder, batch), batch.request_count)
