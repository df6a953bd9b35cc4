"""Default master data of a prefecture: offices, regions, areas, municipalities.

The same loader serves the data migration (with historical models) and the
`load_master_data` command (another prefecture loads its own file). Loading is idempotent:
records are matched by name and updated.
"""

import json
from collections.abc import Callable
from pathlib import Path

DEFAULT_FILE = Path(__file__).with_name("fukuoka.json")


def read_master_data(path: Path | str = DEFAULT_FILE) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def load_master_data(get_model: Callable[[str, str], type], data: dict) -> dict[str, int]:
    """Create or update the master data; returns how many records of each kind were loaded."""
    Office = get_model("hikikomori", "Office")
    Region = get_model("hikikomori", "Region")
    HealthArea = get_model("hikikomori", "HealthArea")
    Municipality = get_model("hikikomori", "Municipality")

    offices = {}
    for order, row in enumerate(data.get("offices", []), start=1):
        defaults = {
            k: row.get(k, "") or "" for k in ("short_name", "kind", "location", "address", "operator")
        }
        defaults.update(opened_on=row.get("opened_on"), closed_on=row.get("closed_on"), sort_order=order)
        offices[row["name"]], _ = Office.objects.update_or_create(name=row["name"], defaults=defaults)
    regions = {}
    for order, name in enumerate(data.get("regions", []), start=1):
        regions[name], _ = Region.objects.update_or_create(name=name, defaults={"sort_order": order})
    areas = {}
    for order, name in enumerate(data.get("health_areas", []), start=1):
        areas[name], _ = HealthArea.objects.update_or_create(name=name, defaults={"sort_order": order})
    municipalities = data.get("municipalities", [])
    for order, row in enumerate(municipalities, start=1):
        jurisdiction = row.get("jurisdiction")
        area = row.get("health_area")
        Municipality.objects.update_or_create(
            name=row["name"],
            defaults={
                "code": row.get("code") or None,
                "region": regions.get(row["region"]) or Region.objects.get(name=row["region"]),
                "official_region": row.get("official_region") or "",
                "health_area": (areas.get(area) or HealthArea.objects.get(name=area)) if area else None,
                "jurisdiction": (offices.get(jurisdiction) or Office.objects.get(name=jurisdiction))
                if jurisdiction
                else None,
                "sort_order": order,
            },
        )
    return {
        "offices": len(offices),
        "regions": len(regions),
        "health_areas": len(areas),
        "municipalities": len(municipalities),
    }
