from __future__ import annotations

import pytest
from typer.testing import CliRunner

from productorg.accounts.models import User
from productorg.cli import app

runner = CliRunner()


@pytest.mark.parametrize("command", ["serve", "migrate", "demo", "createadmin"])
def test_every_subcommand_explains_itself(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


def test_createadmin_makes_an_administrator(db):
    result = runner.invoke(
        app,
        ["createadmin", "--username", "root2", "--email", "root2@example.com"],
        env={"PRODUCTORG_ADMIN_PASSWORD": "correct-horse-battery-staple"},
    )
    assert result.exit_code == 0, result.output
    admin = User.objects.get(username="root2")
    assert admin.kind == User.Kind.ADMIN and admin.is_superuser


def test_createadmin_refuses_a_weak_password_and_creates_nothing(db):
    result = runner.invoke(
        app,
        ["createadmin", "--username", "root3", "--email", "root3@example.com"],
        env={"PRODUCTORG_ADMIN_PASSWORD": "12345678"},
    )
    assert result.exit_code == 1
    assert "refused" in result.output
    assert not User.objects.filter(username="root3").exists()


def test_createadmin_refuses_a_taken_username(db):
    User.objects.create_user(username="taken")
    result = runner.invoke(
        app,
        ["createadmin", "--username", "taken", "--email", "t@example.com"],
        env={"PRODUCTORG_ADMIN_PASSWORD": "correct-horse-battery-staple"},
    )
    assert result.exit_code == 1
    assert "exists already" in result.output


def test_demo_refuses_an_unknown_size(db):
    result = runner.invoke(app, ["demo", "--size", "gigantic"])
    assert result.exit_code != 0
    assert "small" in result.output
