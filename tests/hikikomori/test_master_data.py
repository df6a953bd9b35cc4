import json

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from hikikomori.models import HealthArea, Municipality, Office, Region


@pytest.mark.django_db
def test_migrate_loads_the_three_offices_with_their_opening_dates():
    offices = {o.name: o for o in Office.objects.all()}
    assert list(offices) == [
        "福岡県ひきこもり地域支援センター",
        "筑豊サテライトオフィス",
        "筑後サテライトオフィス",
    ]
    assert str(offices["筑豊サテライトオフィス"].opened_on) == "2020-07-01"
    assert offices["福岡県ひきこもり地域支援センター"].kind == Office.Kind.CENTER


@pytest.mark.django_db
def test_all_sixty_municipalities_of_the_prefecture_have_codes_regions_and_areas():
    municipalities = Municipality.objects.exclude(name="県外")
    assert municipalities.count() == 60
    assert municipalities.filter(code__isnull=True).count() == 0
    assert Municipality.objects.get(name="福岡市").code == "401307"
    assert Municipality.objects.get(name="北九州市").code == "401005"
    assert HealthArea.objects.count() == 9
    assert (
        municipalities.exclude(name__in=["福岡市", "北九州市"]).filter(health_area__isnull=True).count() == 0
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("office", "count"),
    [
        ("福岡県ひきこもり地域支援センター", 21),
        ("筑豊サテライトオフィス", 22),
        ("筑後サテライトオフィス", 15),
    ],
)
def test_each_office_serves_its_jurisdiction(office, count):
    assert Municipality.objects.filter(jurisdiction__name=office).count() == count


@pytest.mark.django_db
def test_asakura_is_served_by_the_chikugo_satellite_but_officially_in_fukuoka_region():
    asakura = Municipality.objects.get(name="朝倉市")
    assert asakura.jurisdiction.name == "筑後サテライトオフィス"
    assert asakura.region.name == "筑後地域"
    assert asakura.official_region == "福岡地域"


@pytest.mark.django_db
def test_onga_towns_count_in_fukuoka_region_and_keichiku_towns_in_chikuho_region():
    assert set(
        Municipality.objects.filter(name__in=["中間市", "芦屋町", "水巻町", "岡垣町", "遠賀町"]).values_list(
            "region__name", flat=True
        )
    ) == {"福岡地域"}
    assert set(
        Municipality.objects.filter(
            name__in=["行橋市", "豊前市", "苅田町", "みやこ町", "吉富町", "上毛町", "築上町"]
        ).values_list("region__name", flat=True)
    ) == {"筑豊地域"}
    assert Municipality.objects.get(name="福岡市").jurisdiction is None
    assert list(Region.objects.values_list("name", flat=True)) == [
        "福岡地域",
        "筑豊地域",
        "筑後地域",
        "福岡市・北九州市",
        "県外",
    ]


@pytest.mark.django_db
def test_roles_exist_as_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {"coordinator", "supervisor", "admin"}


@pytest.mark.django_db
def test_another_prefecture_loads_its_own_master_data(tmp_path, capsys):
    data = {
        "offices": [
            {"name": "高知県ひきこもり地域支援センター", "kind": "center", "opened_on": "2009-04-01"}
        ],
        "regions": ["高知市"],
        "health_areas": ["中央東"],
        "municipalities": [
            {
                "name": "高知市",
                "code": "392014",
                "region": "高知市",
                "health_area": "中央東",
                "jurisdiction": "高知県ひきこもり地域支援センター",
            }
        ],
    }
    path = tmp_path / "kochi.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    call_command("load_master_data", str(path))
    assert Municipality.objects.get(name="高知市").jurisdiction.name == "高知県ひきこもり地域支援センター"
    assert "municipalities: 1" in capsys.readouterr().out


@pytest.mark.django_db
def test_bad_master_data_changes_nothing(tmp_path):
    data = {"regions": ["新地域"], "municipalities": [{"name": "架空町", "region": "存在しない地域"}]}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="nothing changed"):
        call_command("load_master_data", str(path))
    assert not Region.objects.filter(name="新地域").exists()
