"""The api catalogue never contradicts another package's: gettext merges every catalogue into one, so a msgid
translated differently elsewhere would change that package's pages (it happened with "Required")."""
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def _catalogue(path: Path) -> dict[str, str]:
    with path.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id and m.string}


def test_api_msgids_mean_the_same_as_elsewhere():
    mine = _catalogue(ROOT / "api/translations/zh/LC_MESSAGES/messages.po")
    assert mine, "the api catalogue is empty"
    clashes = []
    for path in ROOT.glob("*/translations/zh/LC_MESSAGES/messages.po"):
        if path.parts[-5] == "api":
            continue
        theirs = _catalogue(path)
        clashes += [(path.parts[-5], msgid, theirs[msgid], text) for msgid, text in mine.items()
                    if msgid in theirs and theirs[msgid] != text]
    assert clashes == []
