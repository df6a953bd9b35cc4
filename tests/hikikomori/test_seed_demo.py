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
