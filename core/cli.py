"""The `flask` command group for admin tasks: users, demo data and each package's commands."""
import sys

import click
from flask.cli import AppGroup

from core.db import db
from core.packages import feature_modules

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(["producer", "buyer", "official", "admin"]))
@click.option("--password", help="The password; omit it (or give '-') to read it from standard input.")
@click.option("--region", "region_code", help="Six-digit GB/T 2260 code (province, prefecture or county).")
@click.option("--kind", "producer_kind", type=click.Choice(["farmer", "cooperative", "family_farm", "enterprise"]))
@click.option("--name", "display_name", default="")
def create_user_command(email, role, password, region_code, producer_kind, display_name):
    """Create a user: flask users create EMAIL --role ROLE [--password PW] [--region CODE] [--kind KIND]."""
    from accounts.services import AccountError, create_user

    if password in (None, "-"):
        password = sys.stdin.readline().rstrip("\n")
    try:
        user = create_user(email, password, role, display_name=display_name, producer_kind=producer_kind,
                           region_code=region_code)
        db.session.commit()
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(f"{error.field}: {error.message}") from error
    click.echo(f"created user {user.id} {user.email} ({user.role})")


@click.command("demo")
def demo_command():
    """Load the demo data set (idempotent: running it twice adds nothing twice)."""
    from core.demo import load_demo

    for line in load_demo():
        click.echo(line)


def register_cli(app) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)
    from core.backup import backup_command, restore_command

    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    # Feature packages may add their own commands in <package>/cli.py as `commands`.
    for module in feature_modules("cli", include_core=False):
        for command in module.commands:
            app.cli.add_command(command)
