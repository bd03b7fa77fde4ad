"""The dashboard tables as plain data (title, columns, rows): the same object is rendered as HTML and
exported to XLSX, so an export always holds what the page shows."""
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _

from core import regions
from counties import forms, progress, queries
from counties.models import FUND_FIELDS

KEY_INDICATORS = ("rural_online_sales", "agri_online_sales", "village_coverage", "trainees", "online_shops",
                  "jobs_created")


@dataclass
class Table:
    key: str
    title: str
    columns: list[tuple[str, str]]  # (key, label)
    rows: list[list] = field(default_factory=list)
    links: list[str | None] = field(default_factory=list)  # a county code per row, for the HTML link
    sortable: bool = False

    def sheet(self):
        return (self.title, [label for _key, label in self.columns], self.rows)


def _indicator_label(indicator, language: str) -> str:
    unit = f" ({indicator.unit})" if indicator.unit else ""
    return indicator.label(language) + unit


def _fund_labels() -> dict[str, str]:
    return {name: str(getattr(forms.CountyForm, name).args[0]) for name in FUND_FIELDS}


def _yes(value: bool) -> str:
    return _("Yes") if value else _("No")


def ranking(rows, language: str, indicator_codes, sort: str, descending: bool) -> Table:
    by_code = {i.code: i for i in queries.indicators()}
    shown = [c for c in indicator_codes if c in by_code]
    columns = [("rank", _("Rank")), ("code", _("Code")), ("name", _("County")), ("province", _("Province")),
               ("batch_year", _("Batch")), ("poverty", _("Poverty county")),
               *[(c, _indicator_label(by_code[c], language)) for c in shown],
               ("central_allocated", _fund_labels()["central_allocated"]),
               ("producers", _("Producers")), ("active_listings", _("Active listings")),
               ("deal_amount", _("Deal amount (yuan)")), ("targets_met", _("Targets met"))]
    table = Table("ranking", _("Ranking"), columns, sortable=True)
    for rank, row in enumerate(queries.sort_rows(rows, sort, descending), start=1):
        county = row.county
        table.rows.append([
            rank, county.code, county.name, regions.get(county.province_code).name, county.batch_year,
            _yes(county.poverty_county), *[row.figures.get(c) for c in shown], county.central_allocated,
            *((row.outcomes["producers"], row.outcomes["active_listings"]) if row.outcomes else (None, None)),
            row.deals["deal_amount"] if row.deals else None, f"{row.targets_met}/{len(row.progress)}"])
        table.links.append(county.code)
    return table


def comparison(rows, language: str, indicator_codes) -> Table:
    by_code = {i.code: i for i in queries.indicators()}
    shown = [c for c in indicator_codes if c in by_code]
    groups = queries.poverty_comparison(rows, shown)
    poverty, other = groups["poverty"], groups["other"]
    table = Table("comparison", _("Poverty counties and other counties"),
                  [("metric", _("Figure")), ("poverty", _("Poverty counties")), ("other", _("Other counties"))])
    labels = _fund_labels()
    table.rows += [
        [_("Counties"), poverty["counties"], other["counties"]],
        [_("Old revolutionary base areas"), poverty["old_revolutionary"], other["old_revolutionary"]],
        *[[labels[name], poverty[name], other[name]] for name in FUND_FIELDS],
        [_("Deal amount (yuan)"), poverty["deal_amount"], other["deal_amount"]],
        [_("Targets met"), f"{poverty['targets_met']}/{poverty['targets_total']}",
         f"{other['targets_met']}/{other['targets_total']}"],
        *[[_("Average: %(name)s", name=_indicator_label(by_code[c], language)),
           poverty["averages"][c], other["averages"][c]] for c in shown],
    ]
    return table


def breakdown(rows, language: str) -> Table:
    sales = "rural_online_sales"
    entries = queries.regional_breakdown(rows, [sales])
    labels = _fund_labels()
    table = Table("breakdown", _("Regional breakdown"), [
        ("region", _("Region")), ("level", _("Level")), ("counties", _("Counties")),
        ("poverty", _("Poverty counties")), ("central_allocated", labels["central_allocated"]),
        ("central_disbursed", labels["central_disbursed"]), ("local_allocated", labels["local_allocated"]),
        ("local_disbursed", labels["local_disbursed"]),
        (sales, _("Rural online retail sales, latest year (10k yuan)")), ("deal_amount", _("Deal amount (yuan)")),
    ])
    for entry in entries:
        level = _("Province") if entry["level"] == "province" else _("Prefecture")
        table.rows.append([entry["name"], level, entry["counties"], entry["poverty"],
                           *[entry[name] for name in FUND_FIELDS], entry["totals"][sales], entry["deal_amount"]])
        table.links.append(None)
    return table


def target_status(rows, language: str) -> Table:
    """How many counties have met each target, are on track, behind, or have no data."""
    statuses = [progress.MET, progress.ON_TRACK, progress.BEHIND, progress.NO_DATA]
    table = Table("targets", _("Targets: counties by status"),
                  [("target", _("Target")), *[(s, str(forms.STATUS_LABELS[s])) for s in statuses]])
    counts: dict[int, dict] = {}
    for row in rows:
        for item in row.progress:
            entry = counts.setdefault(item.target.id, {"target": item.target, **dict.fromkeys(statuses, 0)})
            entry[item.result.status] += 1
    for entry in counts.values():
        target = entry["target"]
        table.rows.append([target.description or target.indicator.label(language), *[entry[s] for s in statuses]])
        table.links.append(None)
    return table


def registry(rows, can_see_officials: bool) -> Table:
    labels = _fund_labels()
    columns = [("code", _("Code")), ("name", _("County")), ("full_name", _("Region")), ("batch_year", _("Batch")),
               ("poverty", _("Poverty county")), ("old_revolutionary_area", _("Old revolutionary base area")),
               ("programme_flags", _("Other programme flags")), *[(n, labels[n]) for n in FUND_FIELDS]]
    if can_see_officials:
        columns += [("officials", _("Responsible officials")), ("notes", _("Notes"))]
    table = Table("registry", _("Registry"), columns)
    for row in rows:
        county = row.county
        cells = [county.code, county.name, regions.full_name(county.code), county.batch_year,
                 _yes(county.poverty_county), _yes(county.old_revolutionary_area),
                 "、".join(str(forms.FLAG_LABELS.get(f, f)) for f in county.programme_flags),
                 *[getattr(county, n) for n in FUND_FIELDS]]
        if can_see_officials:
            cells += ["; ".join(u.email for u in county.officials), county.notes]
        table.rows.append(cells)
        table.links.append(county.code)
    return table


def dashboard(rows, language: str, sort: str, descending: bool) -> dict:
    shown = list(KEY_INDICATORS)
    if sort not in shown and sort in {i.code for i in queries.indicators()}:
        shown.append(sort)
    return {
        "ranking": ranking(rows, language, shown, sort, descending),
        "comparison": comparison(rows, language, KEY_INDICATORS),
        "targets": target_status(rows, language),
        "breakdown": breakdown(rows, language),
        "registry": registry(rows, can_see_officials=True),
        "indicators": queries.indicators(),
        "sort_choices": [*[(i.code, _indicator_label(i, language)) for i in queries.indicators()],
                         *[(name, label) for name, label in _fund_labels().items()],
                         ("producers", _("Producers")), ("active_listings", _("Active listings")),
                         ("deal_amount", _("Deal amount (yuan)")), ("targets_met", _("Targets met")),
                         ("batch_year", _("Batch year"))],
        "deals_available": any(r.deals is not None for r in rows),
    }


def export_sheets(rows, language: str, table: str, can_see_officials: bool):
    """The sheets of one dashboard table; the ranking export holds every indicator, not just the key ones."""
    all_codes = [i.code for i in queries.indicators()]
    makers = {
        "ranking": lambda: ranking(rows, language, all_codes, "rural_online_sales", True),
        "comparison": lambda: comparison(rows, language, all_codes),
        "targets": lambda: target_status(rows, language),
        "breakdown": lambda: breakdown(rows, language),
        "registry": lambda: registry(rows, can_see_officials),
    }
    if table == "all":
        return [make().sheet() for make in makers.values()]
    return [makers[table]().sheet()] if table in makers else None


def public_summary(rows, language: str) -> dict:
    """National headline figures and one line per province; no names of officials, no funds per county."""
    coverage, sales, trainees = "village_coverage", "rural_online_sales", "trainees"
    total = queries.group_summary(rows, [coverage, sales, trainees])
    headers = [_("Province"), _("Counties"), _("Poverty counties"), _("Old revolutionary base areas"),
               _("Rural online retail sales, latest year (10k yuan)"), _("Average village coverage (%)"),
               _("Trainees (person-times), latest year"), _("Deal amount (yuan)")]
    lines = []
    for entry in queries.regional_breakdown(rows, [coverage, sales, trainees]):
        if entry["level"] == "province":
            lines.append([entry["name"], entry["counties"], entry["poverty"], entry["old_revolutionary"],
                          entry["totals"][sales], entry["averages"][coverage], entry["totals"][trainees],
                          entry["deal_amount"]])
    return {"total": total, "headers": headers, "rows": lines, "title": _("Programme summary"),
            "provinces": len(lines), "coverage": coverage, "sales": sales, "trainees": trainees}


def county_view(row, language: str) -> dict:
    points = queries.value_points([row.county.id])[row.county.id]
    latest = []
    for indicator in queries.indicators():
        found = queries.current_figure(points.get(indicator.code, []), indicator.flow)
        latest.append((indicator, found))
    return {"latest": latest, "progress": row.progress, "status_labels": forms.STATUS_LABELS,
            "met": progress.MET}


def county_sheets(row, language: str) -> list:
    """Every table of the county page: latest figures, targets and progress, and all values."""
    view = county_view(row, language)
    latest = (_("Latest figures"), [_("Indicator code"), _("Indicator"), _("Period"), _("Value"), _("Unit")],
              [[i.code, i.label(language), found[0] if found else None, found[1] if found else None, i.unit]
               for i, found in view["latest"]])
    targets = (_("Targets"), [_("Target"), _("Current"), _("Required"), _("Due"), _("Status")],
               [[item.target.description or item.target.indicator.label(language), item.result.current,
                 item.result.threshold, item.target.due_on.isoformat() if item.target.due_on else None,
                 str(forms.STATUS_LABELS[item.result.status])] for item in view["progress"]])
    return [latest, targets, values_sheet(row.county, language)]


def values_sheet(county, language: str):
    headers = [_("Period"), _("Indicator code"), _("Indicator"), _("Value"), _("Unit"), _("Source")]
    rows = [[v.period, v.indicator.code, v.indicator.label(language), v.value, v.indicator.unit, v.source]
            for v in queries.value_history(county)]
    return (_("Indicator values"), headers, rows)


# ------------------------------------------------------------------ registry form <-> data


def county_form_data(form) -> dict:
    return {name: getattr(form, name).data for name in (
        "code", "batch_year", "poverty_override", "old_revolutionary_area", "programme_flags", *FUND_FIELDS,
        "officials", "notes")}


def county_form_object(county):
    class Obj:
        pass

    obj = Obj()
    for name in ("code", "batch_year", "old_revolutionary_area", "programme_flags", "notes", *FUND_FIELDS):
        setattr(obj, name, getattr(county, name))
    obj.poverty_override = "auto" if county.poverty_override is None else ("1" if county.poverty_override else "0")
    obj.officials = "; ".join(u.email for u in county.officials)
    return obj


def scope_choices(user) -> list[tuple[str, str]]:
    """Regions the user may switch the dashboard to: their own region and the regions below it that hold
    registered counties; admins also the national view."""
    from counties import permissions

    base = permissions.reading_scope(user)
    codes = {c.code for c in queries.counties_in(base)}
    choices = [("", _("National"))] if base is None else [(base, regions.full_name(base))]
    seen = set()
    for code in sorted(codes):
        for ancestor in regions.ancestors(code):
            if ancestor.code not in seen and ancestor.code != base and (
                    base is None or regions.is_within(ancestor.code, base)):
                seen.add(ancestor.code)
                choices.append((ancestor.code, regions.full_name(ancestor.code)))
    return choices


def format_plain(value: Decimal) -> str:
    """A stored value as an official typed it: 62.500 -> 62.5, 320.000 -> 320."""
    text = f"{value.normalize():f}"
    return text


def format_figure(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return f"{int(value):,}"
        return f"{value.normalize():,f}"
    return str(value)
