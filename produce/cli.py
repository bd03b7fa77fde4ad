"""`flask catalogue load` and `flask listings expire`."""
import click
from flask.cli import AppGroup

catalogue_cli = AppGroup("catalogue", help="The product catalogue.")
listings_cli = AppGroup("listings", help="Produce listings.")


@catalogue_cli.command("load")
@click.option("--path", type=click.Path(exists=True, dir_okay=False), help="Default: refdata/catalogue.csv.")
def load_command(path):
    """Add the catalogue file's categories, products and aliases that are missing (idempotent)."""
    from produce.catalogue_services import load_catalogue

    result = load_catalogue(path)
    click.echo(f"catalogue: {result['products']} products and {result['aliases']} aliases added, "
               f"{result['total']} products in all")


@listings_cli.command("expire")
def expire_command():
    """Mark listings whose supply window has ended as expired (run daily, e.g. from cron)."""
    from produce.services import expire_listings

    click.echo(f"listings: {expire_listings()} expired")


commands = [catalogue_cli, listings_cli]
