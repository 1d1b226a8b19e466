"""Back up and restore the whole workspace as one JSON file (manage.py export_all / import_all).

The file is Django's fixture format (a list of {"model", "pk", "fields"}), so older backups
written by dumpdata restore too. Users, groups, permissions and ratings are named by natural
key (username, name, slug), so a restore into a freshly migrated database matches the rows
its migrations created. Both directions are written here rather than with dumpdata/loaddata:
- export: timestamps keep their microseconds (Django's encoder cuts them to milliseconds),
  natural keys come from one query per model instead of one per row, and the file is written
  beside its destination and renamed only when complete, owner-only (it holds password
  hashes), so a failed export never replaces the last good backup;
- import: rows are inserted in batches without signals (loaddata saves them one by one and
  looks every natural key up with a query), and PostgreSQL checks the foreign keys once, at
  commit (they are DEFERRABLE INITIALLY DEFERRED).
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import os
import sqlite3
import tempfile
import uuid
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.management.color import no_style
from django.db import connection, models, transaction

from quotes.dates import RANGE, in_range

# What a backup holds, in an order where every row comes after the rows it refers to: the
# whole workspace with its history, and the accounts that history and verdicts name.
BACKUP_MODELS = [
    "auth.group",
    "auth.user",
    "quotes.rating",
    "quotes.speaker",
    "quotes.speakeralias",
    "quotes.article",
    "quotes.feed",  # the outlets a newsroom follows: its set-up, not to be typed in again
    "quotes.feedentry",  # what was already taken from them, so a restore imports nothing twice
    "quotes.source",
    "quotes.claim",
    "quotes.historicalclaim",
    "quotes.claimmatch",  # "already checked" links: recomputing them reads every checked claim
    "quotes.similarclaim",  # recomputing them takes about an hour at a million claims
    "quotes.evidence",
    "quotes.externalreview",
    "quotes.verdict",
    "quotes.historicalverdict",
]
# What a backup leaves out, and why (tests/test_backup.py holds every model to one list).
NOT_BACKED_UP = {
    "quotes.speakertally": "counted again from the claims and verdicts at every restore",
    "quotes.reportfile": "a rendered report kept for download: its file is not in the JSON, "
    "and it can be asked for again",
}
BATCH = 2000
SIMILAR_BATCH = 5000


class BackupError(ValueError):
    """A backup that cannot be written or restored; the message says why."""


def _natural_keys(model: type[models.Model]) -> dict[Any, list[Any]]:
    """Every row's natural key by primary key, for a model that has natural keys."""
    if model._meta.label_lower == "auth.permission":
        rows = model._default_manager.values_list(
            "pk", "codename", "content_type__app_label", "content_type__model"
        )
        return {pk: [codename, app, name] for pk, codename, app, name in rows}
    field = {"auth.user": "username", "auth.group": "name", "quotes.rating": "slug"}[
        model._meta.label_lower
    ]
    return {pk: [key] for pk, key in model._default_manager.values_list("pk", field)}


def _has_natural_key(model: type[models.Model]) -> bool:
    return hasattr(model, "natural_key")


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()  # all six digits of the microseconds
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def _records(label: str) -> Iterator[dict[str, Any]]:
    model = apps.get_model(label)
    natural_pk = _has_natural_key(model)
    keys: dict[str, dict[Any, list[Any]]] = {}
    for field in model._meta.concrete_fields:
        if field.is_relation and _has_natural_key(field.related_model):
            keys[field.attname] = _natural_keys(field.related_model)
    m2m = [f for f in model._meta.many_to_many if f.serialize]
    m2m_keys = {f.name: _natural_keys(f.related_model) for f in m2m}
    queryset = model._default_manager.order_by("pk")
    if m2m:
        queryset = queryset.prefetch_related(*(f.name for f in m2m))
    for obj in queryset.iterator(chunk_size=BATCH):
        fields: dict[str, Any] = {}
        for field in model._meta.concrete_fields:
            if field.primary_key or not field.serialize:
                continue
            value = getattr(obj, field.attname)
            if field.attname in keys and value is not None:
                if value not in keys[field.attname]:
                    # history must never point at a deleted row (see quotes.signals)
                    raise BackupError(
                        f"{label} {obj.pk}: {field.name} refers to a "
                        f"{field.related_model._meta.verbose_name} that no longer exists."
                    )
                value = keys[field.attname][value]
            fields[field.name] = _encode(value)
        for field in m2m:
            related = getattr(obj, field.name).all()
            fields[field.name] = [m2m_keys[field.name][r.pk] for r in related]
        record: dict[str, Any] = {"model": label}
        if not natural_pk:
            record["pk"] = obj.pk
        record["fields"] = fields
        yield record


def write_backup(path: Path) -> int:
    """Write every backed-up row to `path`; returns how many. The file appears only when whole."""
    # mkstemp creates the file readable by its owner only, beside the destination so that
    # the rename cannot cross file systems.
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    count = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write("[")
            outermost = not connection.in_atomic_block
            with transaction.atomic():
                if outermost and connection.vendor == "postgresql":
                    # one snapshot for every table (READ COMMITTED takes one per query), so
                    # rows saved meanwhile cannot leave a reference without its row
                    with connection.cursor() as cursor:
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                for label in BACKUP_MODELS:
                    for record in _records(label):
                        out.write(",\n" if count else "\n")
                        out.write(json.dumps(record, ensure_ascii=False))
                        count += 1
            out.write("\n]\n")
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return count


# --- restore ------------------------------------------------------------------------------


class _Keys:
    """Primary keys of rows named by natural key: those in the database, then those restored."""

    def __init__(self) -> None:
        self.maps: dict[type[models.Model], dict[tuple[Any, ...], Any]] = {}

    def of(self, model: type[models.Model]) -> dict[tuple[Any, ...], Any]:
        if model not in self.maps:
            self.maps[model] = {tuple(key): pk for pk, key in _natural_keys(model).items()}
        return self.maps[model]

    def resolve(self, model: type[models.Model], value: Any, where: str) -> Any:
        if not isinstance(value, list):
            return value  # a primary key
        try:
            return self.of(model)[tuple(value)]
        except (KeyError, TypeError):
            raise BackupError(
                f"{where} refers to the {model._meta.verbose_name} {value!r}, "
                "which the backup does not hold."
            ) from None


def _build(
    model: type[models.Model], record: dict[str, Any], keys: _Keys, where: str
) -> tuple[models.Model, dict[str, list[Any]]]:
    fields = record.get("fields")
    if not isinstance(fields, dict):
        raise BackupError(f"{where} has no fields.")
    values: dict[str, Any] = {}
    m2m: dict[str, list[Any]] = {}
    for name, value in fields.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            raise BackupError(f"{where}: {model._meta.label} has no field {name!r}.") from None
        if not isinstance(field, models.Field):  # a reverse relation: not a stored field
            raise BackupError(f"{where}: {model._meta.label} has no field {name!r}.")
        if field.many_to_many:
            if not isinstance(value, list):
                raise BackupError(f"{where}: {name} should be a list.")
            m2m[name] = [keys.resolve(field.related_model, v, where) for v in value]  # type: ignore[arg-type]
        elif field.is_relation and field.concrete:
            values[field.attname] = (
                None if value is None else keys.resolve(field.related_model, value, where)  # type: ignore[arg-type]
            )
        elif field.concrete:
            try:
                values[field.attname] = field.to_python(value)
            except (ValidationError, TypeError, ValueError) as exc:
                raise BackupError(f"{where}: {name} {value!r} cannot be read: {exc}") from exc
            day = values[field.attname]
            if isinstance(day, dt.date) and not in_range(day):
                raise BackupError(f"{where}: {name} {value!r} is not a date {RANGE}.")
    if "pk" in record:
        values[model._meta.pk.attname] = record["pk"]
    return model(**values), m2m


def _rows_per_statement(fields: list[Any], objs: list[models.Model]) -> int:
    """How many rows one INSERT may carry within the database's limit on parameters."""
    if connection.vendor == "sqlite":
        # Django assumes SQLite's old limit of 999 parameters (41 history rows a statement);
        # ask the library for its own (32,766 since SQLite 3.32).
        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        return int(limit // len(fields))
    return int(connection.ops.bulk_batch_size(fields, objs))


def _insert(model: type[models.Model], objs: list[models.Model]) -> None:
    """Insert rows as they are: no signals, no auto_now, no save() overrides (raw, as loaddata)."""
    fields = [f for f in model._meta.concrete_fields if not f.generated]
    batch = max(1, min(BATCH, _rows_per_statement(fields, objs)))
    for start in range(0, len(objs), batch):
        model._base_manager._insert(  # type: ignore[attr-defined]
            objs[start : start + batch], fields=fields, raw=True
        )


def restore_backup(records: list[Any]) -> int:
    """Restore the rows of a backup into an empty workspace; returns how many.

    The caller runs this in a transaction. Raises BackupError for a record that is not one
    of a backup, refers to a row the backup does not hold, or cannot be read.
    """
    by_model: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for index, record in enumerate(records, start=1):
        label = record.get("model") if isinstance(record, dict) else None
        if label not in BACKUP_MODELS:
            raise BackupError(f"record {index} is not of a backed-up model: {str(label)[:80]!r}.")
        by_model[label].append((index, record))
    keys = _Keys()
    # The backup's rating scale replaces the seeded one (an editor may have renamed a slug
    # or a label); the workspace is empty, so no verdict uses a rating yet.
    if by_model["quotes.rating"]:
        apps.get_model("quotes.rating").objects.all().delete()
    restored: list[type[models.Model]] = []
    for label in BACKUP_MODELS:
        model = apps.get_model(label)
        built = [(_build(model, r, keys, f"record {i} ({label})"), r) for i, r in by_model[label]]
        if not built:
            continue
        if _has_natural_key(model):
            # a few rows (accounts, groups, ratings), matched to existing ones by natural key
            existing = keys.of(model)
            for (obj, m2m), _record in built:
                key = tuple(obj.natural_key())  # type: ignore[attr-defined]
                obj.pk = existing.get(key)
                obj.save_base(raw=True)
                existing[key] = obj.pk
                for name, pks in m2m.items():
                    getattr(obj, name).set(pks)
        else:
            _insert(model, [obj for (obj, _m2m), _record in built])
            restored.append(model)
    # backups written before speakers kept their slug key restore without it
    from quotes.imports.speakers import fill_slug_keys

    fill_slug_keys()
    # rows came with their ids: move the sequences past them
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), restored):
            cursor.execute(sql)
    # Rows went in raw (no save(), no signals): the speakers' counters from scratch (seconds
    # at a million claims). Similar claims come with the backup; one written before they were
    # stored has none, and they are looked for again.
    from quotes import counters, tasks

    counters.recount()
    if by_model["quotes.claim"] and not by_model["quotes.similarclaim"]:
        claim_ids = list(apps.get_model("quotes.claim").objects.values_list("pk", flat=True))
        for start in range(0, len(claim_ids), SIMILAR_BATCH):
            tasks.send(tasks.compute_similar_claims, claim_ids[start : start + SIMILAR_BATCH])
    return len(records)
