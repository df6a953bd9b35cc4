import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from hikikomori.models import User


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_seed_demo_creates_the_four_accounts_with_the_given_password(capsys):
    call_command("seed_demo", "--password", "demo-password-42", "--accounts-only")
    call_command("seed_demo", "--password", "demo-password-42", "--accounts-only")
    assert User.objects.filter(username__in=["center", "satellite", "supervisor", "admin"]).count() == 4
    satellite = User.objects.get(username="satellite")
    assert satellite.check_password("demo-password-42")
    assert [o.name for o in satellite.offices.all()] == ["筑豊サテライトオフィス"]
    assert User.objects.get(username="supervisor").is_supervisor
    assert User.objects.get(username="admin").is_system_admin
    assert "satellite / demo-password-42" in capsys.readouterr().out


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_seed_demo_prints_a_random_password_when_none_is_given(capsys):
    call_command("seed_demo", "--accounts-only")
    line = next(line for line in capsys.readouterr().out.splitlines() if line.strip().startswith("center /"))
    password = line.split(" / ")[1]
    assert len(password) >= 12
    assert User.objects.get(username="center").check_password(password)


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_seed_demo_refuses_to_run_in_production():
    with pytest.raises(CommandError, match="DJANGO_DEBUG=0"):
        call_command("seed_demo", "--accounts-only")
    assert not User.objects.filter(username="center").exists()


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_demo_data_fills_every_table_of_every_year_it_creates(master_data, monkeypatch):
    """Programs and municipal days for all five years, and phone contacts mostly with a residence."""
    import cases.demo
    from hikikomori.fiscal import fiscal_year_of
    from reports.queries import Scope
    from reports.tables import build_report

    monkeypatch.setattr(cases.demo, "YEARLY_VOLUME", [900, 900, 900, 900, 900])
    call_command("seed_demo", "--password", "demo-password-42")
    from django.utils import timezone

    current = fiscal_year_of(timezone.localdate())
    for fy in range(current - 4, current + 1):
        report = build_report(Scope(fiscal_year=fy))
        assert report.table("フリースペース").rows[0][1] > 0, fy  # sessions held
        assert report.table("家族のつどい").rows[0][3] > 0, fy  # participants
        days = report.table("市町村相談会（実績）").rows
        assert any(row[2] for row in days if row[0] != "合計"), fy
        regions = {row[0]: row[1] for row in report.table("居住地域別割合").rows}
        assert regions["不明"] < regions["合計"] / 2, fy
    # every day's 予約数 and 相談件数 are its reservations and the consultations they became, slot by slot
    from django.db.models import Count, Q

    from outreach.models import MunicipalDay

    days = MunicipalDay.objects.annotate(
        booked=Count("reservations", filter=Q(reservations__cancelled_at=None)),
        held=Count("reservations", filter=Q(reservations__consultation__isnull=False)),
    )
    assert days.filter(booked__gt=0).exists() and days.filter(date__gt=timezone.localdate()).exists()
    for day in days:
        assert (day.reserved, day.consulted) == (day.booked, day.held), day
        assert day.slots == len(day.slot_times) >= day.reserved, day
