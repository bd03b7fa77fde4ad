"""Translation catalogues, one per package: extract, update, and check that zh_CN is complete.

    python scripts/i18n.py update PKG   # extract PKG's strings and merge them into its zh_CN/en .po files
    python scripts/i18n.py missing PKG  # list msgids without a zh_CN translation (exit 1 if any)
    python scripts/i18n.py fill PKG < zh.json   # set zh_CN translations from a JSON {msgid: msgstr}

A package's strings are its Python files and templates/<PKG>/; core also owns the shared
templates at the top of templates/ and templates/errors/.
"""
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
# Babel parses zh_CN as zh_Hans_CN, and gettext then looks for zh_Hans_CN or zh: the Chinese
# catalogue lives under "zh" so that every Chinese locale finds it.
LOCALES = ("zh", "en")


def mapping_for(package: str) -> str:
    lines = [f"[python: {package}/**.py]", f"[jinja2: templates/{package}/**.html]"]
    if package == "core":
        lines += ["[jinja2: templates/*.html]", "[jinja2: templates/errors/**.html]"]
    return "\n".join(lines) + "\n"


def extract(package: str, pot: Path) -> None:
    with tempfile.NamedTemporaryFile("w", suffix=".cfg", delete=False) as cfg:
        cfg.write(mapping_for(package))
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", cfg.name,
                    "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "--no-location", "--sort-output", "."],
                   cwd=ROOT, check=True)


def update(package: str) -> None:
    translations = ROOT / package / "translations"
    pot = translations / "messages.pot"
    translations.mkdir(exist_ok=True)
    extract(package, pot)
    for locale in LOCALES:
        po = translations / locale / "LC_MESSAGES" / "messages.po"
        command = "update" if po.exists() else "init"
        extra = ["--no-fuzzy-matching"] if command == "update" else []
        subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", command, "-i", str(pot),
                        "-d", str(translations), "-l", locale, *extra], cwd=ROOT, check=True)


def missing(package: str) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "messages.pot"
        extract(package, pot)
        with pot.open("rb") as handle:
            wanted = {m.id for m in read_po(handle) if m.id}
    po = ROOT / package / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return sorted(str(w) for w in wanted)
    with po.open("rb") as handle:
        catalog = read_po(handle)
    done = {m.id for m in catalog if m.id and m.string and not m.fuzzy and
            (all(m.string) if isinstance(m.string, tuple) else True)}
    return sorted(str(w) for w in wanted - done)


def fill(package: str, translations: dict[str, str]) -> int:
    from babel.messages.pofile import write_po

    po = ROOT / package / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    changed = 0
    for message in catalog:
        if message.id and message.id in translations:
            message.string = translations[message.id]
            message.flags.discard("fuzzy")
            changed += 1
    with po.open("wb") as handle:
        write_po(handle, catalog, width=0, omit_header=False)
    return changed


def main() -> int:
    command, package = sys.argv[1], sys.argv[2]
    if command == "update":
        update(package)
        return 0
    if command == "missing":
        gaps = missing(package)
        for msgid in gaps:
            print(msgid)
        return 1 if gaps else 0
    if command == "fill":
        import json

        print(f"{fill(package, json.load(sys.stdin))} translations set")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
