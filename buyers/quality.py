"""De-duplication quality on labelled pairs: precision and recall of the import's decisions.

A pair (a, b) says whether b is the same company as a. With a in the database and b imported:
- auto precision: of the rows the import marks "duplicate", the share that are truly the pair's a;
- flagged recall: of the true pairs, the share the import marks "duplicate" or "possible" of a
  (the official sees every one of them);
and, for the record, flagged precision and auto recall.
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
