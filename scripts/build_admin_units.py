#!/usr/bin/env python3
"""Build ``tinhso/organizations/data/administrative_units.json.gz`` from the ``vietnam-provinces``
package (GPL-3.0-or-later, by Nguyễn Hồng Quân; https://github.com/sunshine-tech/VietnamProvinces).

Developer-only. The package needs Python >= 3.12, so it is not a runtime dependency of tinhso:
download and unpack it once, then run this script against the unpacked tree::

    pip download --no-deps --python-version 3.12 --only-binary=:all: \\
        vietnam-provinces==2026.9.0 -d /tmp/vp
    python3.12 -m zipfile -e /tmp/vp/vietnam_provinces-2026.9.0-py3-none-any.whl /tmp/vp/x
    python3.12 scripts/build_admin_units.py --source /tmp/vp/x \\
        --out tinhso/organizations/data/administrative_units.json.gz

What is read (see docs/administrative-units.md):

- ``data/nested-divisions.json``: current (from 2025-07-01) provinces and communes. The JSON is the
  package's published data set; its Python tables (``_lookup.py``) are compared with it and every
  difference is recorded in ``metadata.source_discrepancies`` rather than silently picked.
- ``legacy/_lookup.py``: pre-2025 provinces, districts and wards.
- ``_province_conversion_2025.py`` and ``_ward_conversion_2025.py``: old -> new mappings.

The output is deterministic: tables are lists of rows (``fields`` names the columns) sorted by code,
keys are sorted, and the gzip header carries no file name or timestamp, so re-running the script on
the same input gives a byte-identical file.
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import io
import json
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

PACKAGE = "vietnam_provinces"
FORMAT_VERSION = 1
EFFECTIVE_DATE = "2025-07-01"
LEGACY_VALID_TO = "2025-06-30"
UNIT_FIELDS = ["code", "name", "division_type", "codename"]
LICENCE_NOTE = (
    "Dữ liệu trích từ gói vietnam-provinces (Nguyễn Hồng Quân và cộng sự), giấy phép "
    "GPL-3.0-or-later, nguồn gốc: Cục Thống kê (NSO) và bảng chuyển đổi ĐVHC 2025. "
    "Data extracted from the vietnam-provinces package, GPL-3.0-or-later; shipped inside tinhso "
    "(AGPL-3.0-or-later) under GPLv3 section 13 / AGPLv3 section 13."
)


def nfc(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value).split())


def padded(code: int, width: int) -> str:
    return f"{int(code):0{width}d}"


def table(fields: list[str], rows: list[list[Any]]) -> dict[str, Any]:
    return {"fields": fields, "rows": sorted(rows, key=lambda row: row[0])}


def build(source: Path) -> dict[str, Any]:
    package_dir = source / PACKAGE
    if not (package_dir / "__init__.py").is_file():
        raise SystemExit(f"{package_dir} is not an unpacked {PACKAGE} package")
    sys.path.insert(0, str(source))
    package = importlib.import_module(PACKAGE)
    current_lookup = importlib.import_module(f"{PACKAGE}._lookup")
    legacy = importlib.import_module(f"{PACKAGE}.legacy._lookup")
    province_conversion = importlib.import_module(f"{PACKAGE}._province_conversion_2025")
    ward_conversion = importlib.import_module(f"{PACKAGE}._ward_conversion_2025")
    if Path(package.__file__).resolve().parent != package_dir.resolve():
        raise SystemExit(f"imported {package.__file__}, expected the package under {source}")

    nested = json.loads((package_dir / "data" / "nested-divisions.json").read_text("utf-8"))

    # Current (two-level) units, from the published JSON.
    current_provinces: list[list[Any]] = []
    current_communes: list[list[Any]] = []
    discrepancies: list[str] = []
    for province in nested:
        code = padded(province["code"], 2)
        row = [code, nfc(province["name"]), province["division_type"], province["codename"]]
        current_provinces.append(row)
        other = current_lookup.PROVINCE_MAPPING[province["code"]]
        if (other.name, str(other.division_type)) != (row[1], row[2]):
            discrepancies.append(
                f"province {code}: JSON {row[1]!r} ({row[2]}), "
                f"_lookup.py {other.name!r} ({other.division_type})"
            )
        for ward in province["wards"]:
            ward_code = padded(ward["code"], 5)
            ward_row = [
                ward_code,
                nfc(ward["name"]),
                ward["division_type"],
                ward["codename"],
                code,
            ]
            current_communes.append(ward_row)
            other_ward = current_lookup.WARD_MAPPING[ward["code"]]
            if (other_ward.name, str(other_ward.division_type)) != (ward_row[1], ward_row[2]):
                discrepancies.append(
                    f"commune {ward_code}: JSON {ward_row[1]!r} ({ward_row[2]}), "
                    f"_lookup.py {other_ward.name!r} ({other_ward.division_type})"
                )
    json_ward_codes = {int(row[0]) for row in current_communes}
    if set(current_lookup.WARD_MAPPING) != json_ward_codes:
        discrepancies.append("commune code sets differ between JSON and _lookup.py")

    # Legacy (three-level) units.
    legacy_provinces = [
        [padded(p.code, 2), nfc(p.name), str(p.division_type), p.codename]
        for p in legacy.PROVINCE_MAPPING.values()
    ]
    legacy_districts = [
        [
            padded(d.code, 3),
            nfc(d.name),
            str(d.division_type),
            d.codename,
            padded(d.province_code, 2),
        ]
        for d in legacy.DISTRICT_MAPPING.values()
    ]
    legacy_wards = [
        [
            padded(w.code, 5),
            nfc(w.name),
            str(w.division_type),
            w.codename,
            padded(w.district_code, 3),
        ]
        for w in legacy.WARD_MAPPING.values()
    ]

    # Ward mapping: keep only pairs whose both ends are known units.
    ward_successions: list[list[Any]] = []
    skipped: list[dict[str, Any]] = []
    province_targets: dict[int, set[int]] = defaultdict(set)
    for old_code, entry in ward_conversion.OLD_TO_NEW.items():
        new_codes = sorted(padded(ref.code, 5) for ref in entry.new_wards)
        if old_code not in legacy.WARD_MAPPING:
            skipped.append(
                {
                    "legacy_code": padded(old_code, 5),
                    "legacy_district_code": padded(entry.old_ward.district_code, 3),
                    "current_codes": new_codes,
                }
            )
            continue
        if int(legacy.WARD_MAPPING[old_code].district_code) != entry.old_ward.district_code:
            raise SystemExit(f"ward {old_code}: district differs between tables")
        unknown = [c for c in new_codes if int(c) not in json_ward_codes]
        if unknown:
            raise SystemExit(f"ward {old_code}: unknown current communes {unknown}")
        ward_successions.append(
            [padded(old_code, 5), new_codes, bool(entry.old_ward.is_partly_merged)]
        )
        for ref in entry.new_wards:
            province_targets[entry.old_ward.province_code].add(ref.province_code)
    unmapped_legacy = sorted(
        padded(code, 5) for code in set(legacy.WARD_MAPPING) - set(ward_conversion.OLD_TO_NEW)
    )

    # Province mapping: an old province is partial when it went to more than one new province.
    province_successions: list[list[Any]] = []
    for old_code, entry in province_conversion.OLD_TO_NEW.items():
        targets = sorted(padded(ref.code, 2) for ref in entry.new_provinces)
        if {int(c) for c in targets} != province_targets[old_code]:
            discrepancies.append(
                f"legacy province {padded(old_code, 2)}: province table says {targets}, "
                f"ward table implies {sorted(province_targets[old_code])}"
            )
        province_successions.append([padded(old_code, 2), targets, len(targets) > 1])

    if len(legacy_provinces) != len(province_successions):
        raise SystemExit("every legacy province must have a successor")

    # Derived here, not in the source: island districts that had no communes (so no ward mapping)
    # became the special zone (đặc khu) of the same name in their successor province.
    district_successions: list[list[Any]] = []
    districts_with_wards = {int(w.district_code) for w in legacy.WARD_MAPPING.values()}
    for district in legacy.DISTRICT_MAPPING.values():
        if int(district.code) in districts_with_wards:
            continue
        bare = district.codename.removeprefix("huyen_")
        provinces = {
            padded(ref.code, 2)
            for ref in province_conversion.OLD_TO_NEW[int(district.province_code)].new_provinces
        }
        zones = [
            row[0]
            for row in current_communes
            if row[2] == "đặc khu" and row[3] == f"dac_khu_{bare}" and row[4] in provinces
        ]
        if len(zones) != 1:
            raise SystemExit(f"district {district.code} has no wards and no unique special zone")
        district_successions.append([padded(district.code, 3), zones, False])

    tables = {
        "current_provinces": table(UNIT_FIELDS, current_provinces),
        "current_communes": table([*UNIT_FIELDS, "province_code"], current_communes),
        "legacy_provinces": table(UNIT_FIELDS, legacy_provinces),
        "legacy_districts": table([*UNIT_FIELDS, "province_code"], legacy_districts),
        "legacy_wards": table([*UNIT_FIELDS, "district_code"], legacy_wards),
        "province_successions": table(
            ["legacy_code", "current_codes", "is_partial"], province_successions
        ),
        "ward_successions": table(["legacy_code", "current_codes", "is_partial"], ward_successions),
        "district_successions": table(
            ["legacy_code", "current_codes", "is_partial"], district_successions
        ),
    }
    metadata = {
        "format": FORMAT_VERSION,
        "source": {
            "package": "vietnam-provinces",
            "version": package.__version__,
            "data_version": package.__data_version__,
            "licence": "GPL-3.0-or-later",
            "author": "Nguyễn Hồng Quân",
            "homepage": "https://github.com/sunshine-tech/VietnamProvinces",
            "files": [
                "data/nested-divisions.json",
                "legacy/_lookup.py",
                "_province_conversion_2025.py",
                "_ward_conversion_2025.py",
            ],
            "ward_conversion_source": getattr(ward_conversion, "SOURCE", ""),
        },
        "licence_note": LICENCE_NOTE,
        "effective_date": province_conversion.EFFECTIVE_DATE,
        "legacy_valid_to": LEGACY_VALID_TO,
        "counts": {name: len(value["rows"]) for name, value in tables.items()},
        "source_discrepancies": discrepancies,
        "skipped_ward_successions": sorted(skipped, key=lambda item: item["legacy_code"]),
        "legacy_wards_without_successor": unmapped_legacy,
        "derived_by_tinhso": [
            "district_successions: legacy districts without wards -> the special zone (đặc khu) "
            "of the same name in the successor province (not in the source tables)",
            "province_successions.is_partial: true when the old province went to more than one "
            "new province (the source has no flag at province level)",
        ],
    }
    if metadata["effective_date"] != EFFECTIVE_DATE:
        raise SystemExit(f"unexpected effective date {metadata['effective_date']}")
    return {"metadata": metadata, **tables}


def write(document: dict[str, Any], out: Path) -> bytes:
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        gz.write(text.encode("utf-8"))
    data = buffer.getvalue()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True, help="unpacked wheel directory")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("tinhso/organizations/data/administrative_units.json.gz"),
    )
    args = parser.parse_args()
    document = build(args.source)
    data = write(document, args.out)
    metadata = document["metadata"]
    print(f"wrote {args.out} ({len(data):,} bytes)")
    for name, count in metadata["counts"].items():
        print(f"  {name}: {count}")
    print(f"  source discrepancies: {len(metadata['source_discrepancies'])}")
    for line in metadata["source_discrepancies"]:
        print(f"    {line}")
    print(f"  skipped ward successions: {len(metadata['skipped_ward_successions'])}")
    print(f"  legacy wards without successor: {len(metadata['legacy_wards_without_successor'])}")


if __name__ == "__main__":
    main()
