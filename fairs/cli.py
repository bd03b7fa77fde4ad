"""`flask fairs ...`: reminders of coming meetings (run it from cron, e.g. every 15 minutes)."""
from datetime import timedelta

import click
import sqlalchemy as sa
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import gettext as _

from core.db import db, utcnow
from core.notifications import notify
from fairs.errors import link
from fairs.models import Meeting

fairs_cli = AppGroup("fairs", help="Matchmaking fairs.")


def send_reminders(hours: float = 24.0) -> int:
    """Notifies both parties of every confirmed meeting starting within `hours`; once per meeting and user."""
    now = utcnow()
    meetings = db.session.scalars(sa.select(Meeting).where(
        Meeting.status == "confirmed", Meeting.slot_start > now, Meeting.slot_start <= now + timedelta(hours=hours)))
    sent = 0
    for meeting in meetings:
        for reg in (meeting.producer_reg, meeting.buyer_reg):
            with force_locale("zh_CN"):
                message = _("Reminder: your meeting at %(fair)s starts at %(time)s (UTC).", fair=meeting.fair.title,
                            time=meeting.slot_start.strftime("%Y-%m-%d %H:%M"))
            sent += notify(reg.user_id, "meeting_reminder", message,
                           link=link("fairs.meeting_detail", meeting_id=meeting.id),
                           dedupe_key=f"meeting-reminder:{meeting.id}")
    db.session.commit()
    return sent


@fairs_cli.command("remind")
@click.option("--hours", default=24.0, show_default=True, help="Remind of meetings starting within this time.")
def remind_command(hours):
    """Send in-app reminders of coming meetings (idempotent)."""
    click.echo(f"reminders sent: {send_reminders(hours)}")


commands = [fairs_cli]
