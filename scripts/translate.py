"""Fill English translations from a JSON map of {Chinese msgid: English}.

Usage: python scripts/translate.py translations.json
Keeps existing translations; prints how many messages remain untranslated.
"""

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "app/translations/en/LC_MESSAGES/messages.po"


def main() -> None:
    mapping = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")) if len(sys.argv) > 1 else {}
    with PO.open("rb") as f:
        catalog = read_po(f, locale="en")
    for message in catalog:
        if message.id and not message.string and message.id in mapping:
            message.string = mapping[message.id]
    with PO.open("wb") as f:
        write_po(f, catalog, width=0, sort_output=True, omit_header=False)
    missing = [m.id for m in catalog if m.id and not m.string]
    print(f"{len(missing)} untranslated")
    for text in missing[:20]:
        print("  ", text)


if __name__ == "__main__":
    main()
