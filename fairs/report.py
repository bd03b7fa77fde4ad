"""The final report of a fair as an XLSX workbook; the figures come from fairs.queries like the dashboard's."""
import io
from decimal import Decimal

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core import regions
from fairs import queries
from fairs.models import Fair

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe(value):
    """Text a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _sheet(workbook, title, header, rows, first=False):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title[:31]
    widths = [len(str(h)) for h in header]
    sheet.append([safe(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    money_columns = set()
    for row in rows:
        sheet.append([safe(v) for v in row])
        for index, value in enumerate(row):
            widths[index] = max(widths[index], len(str(value)) if value is not None else 0)
            if isinstance(value, Decimal):
                money_columns.add(index)
    for index, width in enumerate(widths):
        letter = get_column_letter(index + 1)
        sheet.column_dimensions[letter].width = min(60, max(10, width * 1.6))
        if index in money_columns:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
                if isinstance(cell.value, Decimal):
                    cell.number_format = "#,##0.00"
    return sheet


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def build_workbook(fair: Fair) -> bytes:
    stats = queries.fair_stats(fair.id)
    workbook = Workbook()
    summary = [
        (_("Fair"), fair.title), (_("Region"), regions.full_name(fair.region_code) or fair.region_code),
        (_("Dates"), f"{fair.starts_on.isoformat()} – {fair.ends_on.isoformat()}"),
        (_("Registrations"), stats["registrations"]), (_("Approved participants"), stats["approved"]),
        (_("Suggested pairs"), stats["suggested_pairs"]), (_("Meetings requested"), stats["meetings_requested"]),
        (_("Meetings held"), stats["meetings_held"]), (_("Agreements"), stats["agreements"]),
        (_("Verified agreements"), stats["agreements_verified"]),
        (_("Intent amount (yuan)"), _money(stats["intent_amount"])),
        (_("Deal amount (yuan)"), _money(stats["deal_amount"])),
        (_("Share to poverty counties"), float(round(stats["poverty_share"], 4))),
    ]
    _sheet(workbook, _("Summary"), [_("Figure"), _("Value")], summary, first=True)
    _participants(workbook, fair)
    _meetings(workbook, fair)
    _agreements(workbook, fair)
    groups = ((_("By county"), stats["by_county"], lambda c: regions.full_name(c) or c or ""),
              (_("By product"), stats["by_product"], lambda p: p))
    for title, groups_, name_of in groups:
        rows = [(key or "", name_of(key), _money(v["intent_amount"]), _money(v["deal_amount"]), v["deals"])
                for key, v in sorted(groups_.items(), key=lambda kv: str(kv[0]))]
        _sheet(workbook, title, [_("Code"), _("Name"), _("Intent amount (yuan)"), _("Deal amount (yuan)"),
                                 _("Deals")], rows)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _participants(workbook, fair):
    rows = [(p["registration"].id, p["registration"].role, p["name"], p["county_code"] or "",
             regions.full_name(p["county_code"]) or "", p["registration"].status, p["registration"].reason,
             "、".join(p["items"])) for p in queries.participant_rows(fair.id)]
    _sheet(workbook, _("Participants"), [_("Registration"), _("Role"), _("Name"), _("County code"), _("County"),
                                         _("Status"), _("Reason"), _("Products")], rows)


def _meetings(workbook, fair):
    meetings = queries.meetings_of_fair(fair.id)
    names = queries.party_names([m.producer_reg_id for m in meetings] + [m.buyer_reg_id for m in meetings])
    rows = [(m.id, names.get(m.producer_reg_id, ""), names.get(m.buyer_reg_id, ""), m.status,
             m.slot_start.isoformat() if m.slot_start else "") for m in meetings]
    _sheet(workbook, _("Meetings"), [_("Meeting"), _("Producer"), _("Buyer"), _("Status"), _("Start (UTC)")], rows)


def _agreements(workbook, fair):
    agreements = queries.agreements_of_fair(fair.id)
    meetings = {m.id: m for m in queries.meetings_of_fair(fair.id)}
    names = queries.party_names([r for m in meetings.values() for r in (m.producer_reg_id, m.buyer_reg_id)])
    rows = [(a.id, a.kind, a.status, names.get(meetings[a.meeting_id].producer_reg_id, ""),
             names.get(meetings[a.meeting_id].buyer_reg_id, ""), a.producer_county_code or "", a.product_name,
             a.quantity, a.unit, a.amount, a.signed_on) for a in agreements]
    _sheet(workbook, _("Agreements and deals"),
           [_("Agreement"), _("Kind"), _("Status"), _("Producer"), _("Buyer"), _("County code"), _("Product"),
            _("Quantity"), _("Unit"), _("Amount (yuan)"), _("Date")], rows)
