"""Vietnam's administrative units: loading the shipped data set, searching, and converting
pre-2025 (three-level) units to the two-level units in force from 2025-07-01.

The data set is ``data/administrative_units.json.gz``, built by ``scripts/build_admin_units.py``
from the ``vietnam-provinces`` package (see ``docs/administrative-units.md``). Loading is
idempotent and never deletes: units and successions that disappear from a newer data set stay, so
that codes stored in old dossiers keep resolving.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q

from tinhso.audit.services import record
from tinhso.lib.errors import InvalidInput, NotFound
from tinhso.lib.text import fold_text, normalize_text
from tinhso.organizations.models import AdministrativeUnit, AdministrativeUnitSuccession

DATA_FILE = Path(__file__).resolve().parent / "data" / "administrative_units.json.gz"
FORMAT_VERSION = 1
EFFECTIVE_DATE = dt.date(2025, 7, 1)
LEGACY_VALID_TO = dt.date(2025, 6, 30)
BATCH_SIZE = 500

Era = AdministrativeUnit.Era
Level = AdministrativeUnit.Level

CODE_WIDTHS = {Level.PROVINCE: 2, Level.DISTRICT: 3, Level.COMMUNE: 5}
LEVEL_NAMES = {Level.PROVINCE: "cấp tỉnh", Level.DISTRICT: "cấp huyện", Level.COMMUNE: "cấp xã"}
ERA_NAMES = {Era.CURRENT: "hiện hành", Era.LEGACY: "trước 01/7/2025"}
# Word prefixes dropped when comparing a query with a bare name ("ba dinh" = "Phường Ba Đình").
TYPE_PREFIXES = (
    "thanh pho ",
    "tinh ",
    "quan ",
    "huyen ",
    "thi xa ",
    "thi tran ",
    "xa ",
    "phuong ",
    "dac khu ",
)

# (table in the data file, era, level, level of the parent, column holding the parent code)
UNIT_TABLES: tuple[tuple[str, str, str, str | None, str | None], ...] = (
    ("current_provinces", Era.CURRENT, Level.PROVINCE, None, None),
    ("current_communes", Era.CURRENT, Level.COMMUNE, Level.PROVINCE, "province_code"),
    ("legacy_provinces", Era.LEGACY, Level.PROVINCE, None, None),
    ("legacy_districts", Era.LEGACY, Level.DISTRICT, Level.PROVINCE, "province_code"),
    ("legacy_wards", Era.LEGACY, Level.COMMUNE, Level.DISTRICT, "district_code"),
)
# (table, level of the old unit, level of the new unit); island districts without communes became
# special zones (communal level), see docs/administrative-units.md.
SUCCESSION_TABLES = (
    ("province_successions", Level.PROVINCE, Level.PROVINCE),
    ("ward_successions", Level.COMMUNE, Level.COMMUNE),
    ("district_successions", Level.DISTRICT, Level.COMMUNE),
)
# Validity dates are set on creation only: a later reform retires units by setting ``valid_to``,
# and reloading this data set must not undo that.
UNIT_UPDATE_FIELDS = ["name", "division_type", "codename", "parent"]


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class LoadReport:
    """What a load did, per ``"<era>.<level>"`` and for the successions (old -> new links)."""

    source_version: str = ""
    data_version: str = ""
    units: dict[str, Counts] = field(default_factory=dict)
    successions: Counts = field(default_factory=Counts)
    seconds: float = 0.0

    @property
    def created(self) -> int:
        return sum(c.created for c in self.units.values()) + self.successions.created

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.units.values()) + self.successions.updated

    @property
    def has_changes(self) -> bool:
        return bool(self.created or self.updated)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source_version": self.source_version,
            "data_version": self.data_version,
            "units": {key: vars(counts).copy() for key, counts in self.units.items()},
            "successions": vars(self.successions).copy(),
        }


def read_data_file(path: Path | str | None = None) -> dict[str, Any]:
    """The decoded data set; refuses files of another format version."""
    source = Path(path) if path is not None else DATA_FILE
    try:
        with gzip.open(source, "rt", encoding="utf-8") as handle:
            document: dict[str, Any] = json.load(handle)
    except FileNotFoundError:
        raise NotFound(f"Không tìm thấy tệp dữ liệu đơn vị hành chính: {source}") from None
    except (OSError, EOFError, ValueError) as exc:
        raise InvalidInput(
            f"Tệp dữ liệu đơn vị hành chính không hợp lệ ({source}): {exc}"
        ) from None
    metadata = document.get("metadata") if isinstance(document, dict) else None
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT_VERSION:
        raise InvalidInput(
            f"Tệp {source} không đúng định dạng dữ liệu đơn vị hành chính "
            f"(cần phiên bản định dạng {FORMAT_VERSION})."
        )
    return document


def _rows(document: dict[str, Any], name: str) -> list[dict[str, Any]]:
    table = document[name]
    fields = table["fields"]
    return [dict(zip(fields, row, strict=True)) for row in table["rows"]]


def load_administrative_units(path: Path | str | None = None, *, actor: Any = None) -> LoadReport:
    """Create or update every unit and old -> new link of the data set, in one transaction.

    Idempotent: a second run changes nothing, reports nothing created and writes no audit entry.
    """
    started = time.perf_counter()
    document = read_data_file(path)
    report = LoadReport()
    try:
        source = document["metadata"]["source"]
        report.source_version = str(source["version"])
        report.data_version = str(source["data_version"])
        with transaction.atomic():
            _load_document(document, report, actor)
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(
            f"Tệp dữ liệu đơn vị hành chính không nhất quán (thiếu hoặc sai {exc}); "
            "không có gì được thay đổi."
        ) from None
    report.seconds = time.perf_counter() - started
    return report


def _load_document(document: dict[str, Any], report: LoadReport, actor: Any) -> None:
    effective_on = dt.date.fromisoformat(
        document["metadata"].get("effective_date", EFFECTIVE_DATE.isoformat())
    )
    ids: dict[tuple[str, str], dict[str, int]] = {}
    for table, era, level, parent_level, parent_column in UNIT_TABLES:
        parent_ids = ids[(era, parent_level)] if parent_level else {}
        report.units[f"{era}.{level}"] = _load_units(
            _rows(document, table), era, level, parent_ids, parent_column
        )
        ids[(era, level)] = dict(
            AdministrativeUnit.objects.filter(era=era, level=level).values_list("code", "id")
        )
    wanted: dict[tuple[int, int], bool] = {}
    for table, legacy_level, current_level in SUCCESSION_TABLES:
        legacy_ids = ids[(Era.LEGACY, legacy_level)]
        current_ids = ids[(Era.CURRENT, current_level)]
        for row in _rows(document, table):
            for code in row["current_codes"]:
                key = (legacy_ids[row["legacy_code"]], current_ids[code])
                wanted[key] = bool(row["is_partial"])
    report.successions = _load_successions(wanted, effective_on)
    if report.has_changes:
        record(
            "organizations.units.load",
            actor=actor,
            object_type="organizations.administrativeunit",
            object_id="*",
            object_label=f"vietnam-provinces {report.source_version}",
            after=report.as_dict(),
        )


def _load_units(
    rows: list[dict[str, Any]],
    era: str,
    level: str,
    parent_ids: dict[str, int],
    parent_column: str | None,
) -> Counts:
    counts = Counts()
    existing = {unit.code: unit for unit in AdministrativeUnit.objects.filter(era=era, level=level)}
    valid_from = EFFECTIVE_DATE if era == Era.CURRENT else None
    valid_to = LEGACY_VALID_TO if era == Era.LEGACY else None
    to_create: list[AdministrativeUnit] = []
    to_update: list[AdministrativeUnit] = []
    for row in rows:
        values = {
            "name": normalize_text(row["name"]),
            "division_type": row["division_type"],
            "codename": row["codename"],
            "parent_id": parent_ids[row[parent_column]] if parent_column else None,
        }
        unit = existing.get(row["code"])
        if unit is None:
            to_create.append(
                AdministrativeUnit(
                    era=era,
                    level=level,
                    code=row["code"],
                    valid_from=valid_from,
                    valid_to=valid_to,
                    **values,
                )
            )
        elif any(getattr(unit, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(unit, name, value)
            to_update.append(unit)
        else:
            counts.unchanged += 1
    AdministrativeUnit.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    AdministrativeUnit.objects.bulk_update(to_update, UNIT_UPDATE_FIELDS, batch_size=BATCH_SIZE)
    counts.created, counts.updated = len(to_create), len(to_update)
    return counts


def _load_successions(wanted: dict[tuple[int, int], bool], effective_on: dt.date) -> Counts:
    counts = Counts()
    existing = {
        (link.predecessor_id, link.successor_id): link
        for link in AdministrativeUnitSuccession.objects.filter(predecessor__era=Era.LEGACY)
    }
    to_create: list[AdministrativeUnitSuccession] = []
    to_update: list[AdministrativeUnitSuccession] = []
    for (predecessor_id, successor_id), is_partial in wanted.items():
        link = existing.get((predecessor_id, successor_id))
        if link is None:
            to_create.append(
                AdministrativeUnitSuccession(
                    predecessor_id=predecessor_id,
                    successor_id=successor_id,
                    is_partial=is_partial,
                    effective_on=effective_on,
                )
            )
        elif link.is_partial != is_partial or link.effective_on != effective_on:
            link.is_partial, link.effective_on = is_partial, effective_on
            to_update.append(link)
        else:
            counts.unchanged += 1
    AdministrativeUnitSuccession.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    AdministrativeUnitSuccession.objects.bulk_update(
        to_update, ["is_partial", "effective_on"], batch_size=BATCH_SIZE
    )
    counts.created, counts.updated = len(to_create), len(to_update)
    return counts


# --- lookups -------------------------------------------------------------------------------------


def search_key(value: str) -> str:
    """Diacritic-, case- and apostrophe-insensitive form ("Ea H’Leo" and "Ea H'leo" agree)."""
    return " ".join(fold_text(value).replace("'", "").replace("’", "").split())


def _bare(key: str) -> str:
    for prefix in TYPE_PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


def _check_level(level: str) -> str:
    if level not in Level.values:
        raise InvalidInput(
            f"Cấp đơn vị hành chính không hợp lệ: {level!r} (province, district hoặc commune)."
        )
    return level


def _check_era(era: str | None) -> str | None:
    if era is not None and era not in Era.values:
        raise InvalidInput(f"Thời kỳ không hợp lệ: {era!r} (current hoặc legacy).")
    return era


def _order(unit_era: str, unit_level: str, code: str) -> tuple[int, int, str]:
    return (Era.values.index(unit_era), Level.values.index(unit_level), code)


def ranked_units(
    query: str, *, era: str | None = None, level: str | None = None, limit: int | None = None
) -> list[tuple[int, AdministrativeUnit]]:
    """Every match with its rank: 0 the whole name (with or without its type word, "ba dinh" =
    "Phường Ba Đình"), 1 the query as consecutive whole words of the name, 2 the query words start
    consecutive words of the name ("ba di"). A query of digits matches codes instead. Best first;
    then current before legacy, province before district before commune, then by code."""
    units = AdministrativeUnit.objects.all()
    if _check_era(era):
        units = units.filter(era=era)
    if level is not None:
        units = units.filter(level=_check_level(level))
    text = normalize_text(query)
    if not text:
        return []
    if text.isdigit():
        by_code = Q(pk__in=[])
        for code_level, width in CODE_WIDTHS.items():
            if len(text) <= width:
                by_code |= Q(level=code_level, code=text.zfill(width))
        matches = [(0, unit) for unit in units.filter(by_code).select_related("parent__parent")]
        return sorted(matches, key=lambda m: _order(m[1].era, m[1].level, m[1].code))[:limit]
    wanted = search_key(text)
    words = wanted.split()
    if not words:
        return []
    hits: list[tuple[int, str, str, str, int]] = []
    for pk, name, unit_era, unit_level, code in units.values_list(
        "pk", "name", "era", "level", "code"
    ):
        rank = _match_rank(search_key(name), wanted, words)
        if rank is not None:
            hits.append((rank, unit_era, unit_level, code, pk))
    hits.sort(key=lambda h: (h[0], *_order(h[1], h[2], h[3])))
    return _with_units(hits[:limit])


def _match_rank(key: str, wanted: str, words: list[str]) -> int | None:
    if words[0] not in key:
        return None
    if key == wanted or _bare(key) == wanted:
        return 0
    if f" {wanted} " in f" {key} ":
        return 1
    name_words = key.split()
    for start in range(len(name_words) - len(words) + 1):
        run = name_words[start : start + len(words)]
        if all(word.startswith(query) for word, query in zip(run, words, strict=True)):
            return 2
    return None


def _with_units(hits: list[tuple[int, str, str, str, int]]) -> list[tuple[int, AdministrativeUnit]]:
    by_pk = AdministrativeUnit.objects.select_related("parent__parent").in_bulk(
        [h[4] for h in hits]
    )
    return [(h[0], by_pk[h[4]]) for h in hits]


def find_units(
    query: str, *, era: str | None = None, level: str | None = None, limit: int = 20
) -> list[AdministrativeUnit]:
    """Units whose name matches ``query`` regardless of diacritics ("dang" finds "Đăng"), or
    whose code is ``query`` when it is all digits. Best matches first, at most ``limit``."""
    return [unit for _, unit in ranked_units(query, era=era, level=level, limit=max(0, limit))]


def resolve_unit(code: str, *, level: str, era: str | None = None) -> AdministrativeUnit:
    """The unit with this NSO code ("4" and "00004" are the same commune). Without ``era`` the
    current unit wins over a legacy one with the same code (commune codes were reused)."""
    _check_level(level)
    _check_era(era)
    text = normalize_text(code)
    width = CODE_WIDTHS[Level(level)]
    level_name = LEVEL_NAMES[Level(level)]
    if not text.isdigit() or len(text) > width:
        raise InvalidInput(
            f"Mã đơn vị hành chính {level_name} phải gồm tối đa {width} chữ số: {code!r}."
        )
    units = AdministrativeUnit.objects.select_related("parent__parent").filter(
        level=level, code=text.zfill(width)
    )
    if era:
        units = units.filter(era=era)
    found = sorted(units, key=lambda unit: Era.values.index(unit.era))
    if not found:
        era_text = f" ({ERA_NAMES[Era(era)]})" if era else ""
        raise NotFound(
            f"Không tìm thấy đơn vị hành chính {level_name}{era_text} có mã {text.zfill(width)}."
        )
    return found[0]


def current_successors(unit: AdministrativeUnit) -> list[tuple[AdministrativeUnit, bool]]:
    """The current unit(s) a pre-2025 unit became, each with ``is_partial``. A district (the level
    was abolished) is the union of its wards' successors, partial unless every ward went wholly to
    one and the same unit; island districts without wards link directly to their special zone."""
    if unit.era != Era.LEGACY:
        raise InvalidInput(f"{unit.name} ({unit.code}) là đơn vị hiện hành, không cần chuyển đổi.")
    links = AdministrativeUnitSuccession.objects.select_related("successor__parent")
    if unit.level != Level.DISTRICT:
        pairs = [(link.successor, link.is_partial) for link in links.filter(predecessor=unit)]
        return sorted(pairs, key=lambda pair: pair[0].code)
    district_links = list(links.filter(Q(predecessor=unit) | Q(predecessor__parent=unit)))
    successors = {link.successor_id: link.successor for link in district_links}
    mapped_wards = {link.predecessor_id for link in district_links} - {unit.pk}
    whole = (
        len(successors) == 1
        and not any(link.is_partial for link in district_links)
        and len(mapped_wards) == unit.children.count()
    )
    return [(successor, not whole) for successor in sorted(successors.values(), key=_code)]


def legacy_predecessors(unit: AdministrativeUnit) -> list[tuple[AdministrativeUnit, bool]]:
    """The pre-2025 units a current unit was formed from, each with ``is_partial`` (only part of
    that old unit went into this one)."""
    if unit.era != Era.CURRENT:
        raise InvalidInput(f"{unit.name} ({unit.code}) là đơn vị trước 01/7/2025.")
    links = AdministrativeUnitSuccession.objects.select_related("predecessor__parent__parent")
    pairs = [(link.predecessor, link.is_partial) for link in links.filter(successor=unit)]
    return sorted(pairs, key=lambda pair: pair[0].code)


def _code(unit: AdministrativeUnit) -> str:
    return unit.code


def unit_path(unit: AdministrativeUnit) -> str:
    """ "Phường Trúc Bạch, Quận Ba Đình, Thành phố Hà Nội" (the unit and its parents)."""
    names: list[str] = []
    current: AdministrativeUnit | None = unit
    while current is not None:
        names.append(current.name)
        current = current.parent
    return ", ".join(names)
