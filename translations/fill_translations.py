#!/usr/bin/env python3
"""Fills a Qt .ts file from a JSON object {"English source": "中文译文", ...}.

Usage: fill_translations.py FILE.ts TRANSLATIONS.json
Entries whose source is in the JSON get that translation and lose type="unfinished"; others are left
as they are. Prints the sources still untranslated, and exits 1 when there are any.
"""
import json
import sys
import xml.etree.ElementTree as ET


def main():
    ts_path, json_path = sys.argv[1], sys.argv[2]
    with open(json_path, encoding="utf-8") as f:
        table = json.load(f)
    tree = ET.parse(ts_path)
    missing = []
    for message in tree.getroot().iter("message"):
        source = message.findtext("source")
        translation = message.find("translation")
        if translation is None:
            translation = ET.SubElement(message, "translation")
        if translation.get("type") in ("vanished", "obsolete"):
            continue
        if source in table:
            translation.text = table[source]
            translation.attrib.pop("type", None)
        elif translation.get("type") == "unfinished" or not (translation.text or "").strip():
            missing.append(source)
    tree.write(ts_path, encoding="utf-8", xml_declaration=True)
    for source in missing:
        print("untranslated:", source)
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()
