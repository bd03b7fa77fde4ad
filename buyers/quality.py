"""De-duplication quality on labelled pairs: precision and recall of the import's decisions (issue #4).

A pair (a, b) says whether b is the same company as a. With every a in the database and every b imported,
each b gets one decision ("new", "duplicate of X", "possible duplicate of X"). A decision is right for a
pair that is the same company when it names a; for a pair of two companies, any link to a is wrong.

"Precision and recall" of the issue are measured on two sets of the import's rows, both held to >= 0.95:
- the flagged set (duplicate + possible): what the official sees. flagged_precision is the share of flagged
  rows that name the right twin (each wrong one costs an official a look, and may mislead); flagged_recall
  the share of true pairs flagged with the right twin (each miss becomes a second record of one buyer);
- the automatic set (duplicate only): rows the import links without anyone looking, so auto_precision is
  the share that are right and auto_recall the share of true pairs found without an official.
"""


def evaluate(pairs: list[dict], decisions: list[dict], a_ids: list) -> dict:
    """pairs: [{"same": bool, ...}], decisions: the import's decision of each b, a_ids: each a's record id."""
    auto_tp = auto_fp = flag_tp = flag_fp = positives = 0
    misses, false_alarms = [], []
    for pair, decision, a_id in zip(pairs, decisions, a_ids, strict=True):
        same = bool(pair["same"])
        positives += same
        hit = decision["of"] == a_id
        if decision["decision"] == "duplicate":
            auto_tp += same and hit
            auto_fp += not (same and hit)
        if decision["decision"] in ("duplicate", "possible"):
            flag_tp += same and hit
            flag_fp += not (same and hit)
            if not (same and hit):
                false_alarms.append(pair.get("kind"))
        elif same:
            misses.append(pair.get("kind"))
    ratio = lambda num, den: round(num / den, 4) if den else 1.0  # noqa: E731
    return {"pairs": len(pairs), "positives": positives,
            "auto_precision": ratio(auto_tp, auto_tp + auto_fp), "auto_recall": ratio(auto_tp, positives),
            "flagged_precision": ratio(flag_tp, flag_tp + flag_fp), "flagged_recall": ratio(flag_tp, positives),
            "misses": misses, "false_alarms": false_alarms}
