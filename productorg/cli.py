"""The `productorg` command: everyday operations without knowing Django's manage.py."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from productorg.interchange.cli_backup import backup_command, restore_command
from productorg.interchange.cli_export import export_command
from productorg.interchange.cli_import import import_app
from productorg.planning.cli import plan_app
from productorg.reports.cli import report_command

app = typer.Typer(
    help="ProductOrg: the workspace for product leaders. Run a subcommand with --help for more.",
    no_args_is_help=True,
    add_completion=False,
)


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "productorg.settings")
    import django

    django.setup()


@app.command()
def migrate() -> None:
    """Create or update the database tables; a fresh database gets the shipped career framework."""
    _setup_django()
    from django.core.management import call_command

    from productorg.people.services import framework_ensure_default

    call_command("migrate", interactive=False, verbosity=1)
    if framework_ensure_default():
        typer.echo("Loaded the shipped career framework.")


@app.command()
def serve(
    host: Annotated[str, typer.Option(envvar="HOST", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PORT", help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(envvar="WEB_CONCURRENCY", help="gunicorn workers (production).")
    ] = 3,
) -> None:
    """Serve the app: Django's development server, or gunicorn when PRODUCTORG_ENV=production."""
    _setup_django()
    from django.conf import settings
    from django.core.management import call_command

    if settings.PRODUCTION:
        call_command("collectstatic", interactive=False, verbosity=0)
        os.execvp(  # noqa: S606 - replaces this process with gunicorn, arguments are ours
            sys.executable,
            [
                sys.executable,
                "-m",
                "gunicorn",
                "productorg.wsgi:application",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(workers),
                "--access-logfile",
                "-",
            ],
        )
    call_command("runserver", f"{host}:{port}", use_reloader=False)


@app.command()
def worker(
    interval: Annotated[
        float, typer.Option(min=0.1, help="Seconds between looks for new jobs when idle.")
    ] = 1.0,
) -> None:
    """Run background jobs (plans of the portfolio planner) until stopped; `make run` starts it."""
    _setup_django()
    from django.core.management import CommandError, call_command

    try:
        # No autoreloader: its child process would outlive a `kill` of this one.
        call_command("db_worker", interval=interval, reload=False, verbosity=1)
    except CommandError as error:
        # Such as TASKS_BACKEND naming a backend that runs jobs without a worker.
        typer.echo(f"The worker cannot start: {error}", err=True)
        raise typer.Exit(code=1) from error


@app.command()
def demo(
    size: Annotated[
        str, typer.Option(help="small (about 30 PMs, 400 initiatives) or large (5,000).")
    ] = "small",
    seed: Annotated[int, typer.Option(help="The same seed makes the same organisation.")] = 1,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing when the database holds people.")
    ] = False,
) -> None:
    """Load a believable demo product organisation; every demo person can sign in."""
    _setup_django()
    from django.utils import timezone

    from productorg.demo import generator

    if size not in generator.SIZES:
        raise typer.BadParameter(f"choose one of {', '.join(generator.SIZES)}", param_hint="--size")
    if if_empty and not generator.database_is_empty():
        typer.echo("The database already holds an organisation; no demo loaded.")
    else:
        if not generator.database_is_empty():
            typer.echo("The database already holds an organisation: remove it first.", err=True)
            raise typer.Exit(code=1)
        with typer.progressbar(length=100, label=f"Loading the {size} demo") as bar:
            done = 0

            def progress(fraction: float) -> None:
                nonlocal done
                bar.update(round(fraction * 100) - done)
                done = round(fraction * 100)

            now = timezone.now()
            generator.demo_organisation_create(
                size=size, seed=seed, progress=progress, today=timezone.localdate(now), now=now
            )
    _print_accounts(generator)


def _print_accounts(generator) -> None:
    accounts = generator.demo_accounts()
    if not accounts:
        return
    typer.echo("\nDemo accounts (password: " + generator.demo_password() + "):")
    for account in accounts:
        typer.echo(f"  {account.role:<12} {account.username:<24} {account.name}")


@app.command()
def createadmin(
    username: Annotated[str, typer.Option(prompt=True, help="The admin's username.")],
    email: Annotated[str, typer.Option(prompt=True, help="The admin's email address.")],
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="PRODUCTORG_ADMIN_PASSWORD",
            help="The password (or set PRODUCTORG_ADMIN_PASSWORD).",
        ),
    ],
) -> None:
    """Create an administrator account."""
    _setup_django()
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from productorg.accounts.models import User
    from productorg.accounts.services import admin_create

    if User.objects.filter(username=username).exists():
        typer.echo(f"A user named {username!r} exists already.", err=True)
        raise typer.Exit(code=1)
    try:
        validate_password(password, User(username=username, email=email))
    except ValidationError as error:
        typer.echo("That password is refused: " + " ".join(error.messages), err=True)
        raise typer.Exit(code=1) from error
    admin_create(username=username, email=email, password=password)
    typer.echo(f"Administrator {username} created.")


framework_app = typer.Typer(
    help="The career framework: export it as YAML, or import a YAML file.",
    no_args_is_help=True,
)
app.add_typer(framework_app, name="framework")
app.add_typer(plan_app, name="plan")
app.add_typer(import_app, name="import")
app.command(name="report")(report_command)
app.command(name="export")(export_command)
app.command(name="backup")(backup_command)
app.command(name="restore")(restore_command)


@framework_app.command("export")
def framework_export(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", dir_okay=False, help="Write to this file, not stdout."),
    ] = None,
) -> None:
    """Write the career framework as YAML that `productorg framework import` reads back."""
    _setup_django()
    from productorg.people.services import framework_export as export

    text = export()
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"Wrote the career framework to {output}.", err=True)


@framework_app.command("import")
def framework_import(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="A YAML file.")
    ],
    apply: Annotated[
        bool, typer.Option("--apply", help="Save the changes (without it: a dry run).")
    ] = False,
) -> None:
    """Make the career framework match a YAML file: all of it, or nothing if it has errors.

    A dry run unless --apply is given: it checks the file and shows what would change.
    Competencies are matched by code. One that people were rated on cannot be removed.
    """
    dry_run = not apply
    _setup_django()
    from productorg.people.services import FrameworkError
    from productorg.people.services import framework_import as import_

    try:
        summary = import_(text=file.read_text(encoding="utf-8-sig"), dry_run=dry_run)
    except UnicodeDecodeError as error:
        typer.echo(f"{file} is not UTF-8 text.", err=True)
        raise typer.Exit(code=1) from error
    except FrameworkError as error:
        for problem in error.errors:
            where = f"{file}:{problem.line}" if problem.line else str(file)
            typer.echo(f"{where}: {problem.message}", err=True)
        typer.echo("Nothing was imported.", err=True)
        raise typer.Exit(code=1) from error
    for kind, changes in summary.kinds.items():
        typer.echo(
            f"  {kind:<13} {changes.created} created, {changes.updated} updated, "
            f"{changes.removed} removed, {changes.unchanged} unchanged"
        )
    if dry_run:
        typer.echo("Dry run: nothing was saved. Run again with --apply to import.")
    else:
        typer.echo(f"Imported the career framework: {summary}.")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
