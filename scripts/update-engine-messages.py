#!/usr/bin/env python3
"""Regenerates translations/lora_studio_engine_zh_CN.ts from the engine's message catalogue.

The catalogue is engine/core/messages/*_messages.def (LORA_MESSAGE(id, "English %1 ...")). Each
message becomes one entry of the "EngineMessage" context: source = the English, comment = the id
("data.dataset_missing"), which is what the window translates by. Translations are kept by id; an
id whose English changed keeps its old translation marked unfinished (to be checked); new ids take
a translation from the JSON files given ({"id or English": "中文"}) or stay unfinished.

usage: scripts/update-engine-messages.py [zh.json ...]   (prints what is still unfinished)
"""
import ast
import glob
import json
import os
import re
import sys
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TS = os.path.join(ROOT, "translations", "lora_studio_engine_zh_CN.ts")
ENTRY = re.compile(r'LORA_MESSAGE\(\s*(\w+)\s*,\s*((?:"(?:[^"\\]|\\.)*"\s*)+)\)', re.S)
LITERAL = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
PLACEHOLDER = re.compile(r"%([1-9])")


def catalogue():
    entries = []
    for path in sorted(glob.glob(os.path.join(ROOT, "engine", "core", "messages", "*_messages.def"))):
        area = os.path.basename(path)[: -len("_messages.def")]
        text = open(path, encoding="utf-8").read()
        text = re.sub(r"^\s*//.*$", "", text, flags=re.M)
        for name, literals in ENTRY.findall(text):
            english = "".join(ast.literal_eval(piece) for piece in LITERAL.findall(literals))
            entries.append((f"{area}.{name}", english))
    return entries


def existing():
    by_id, by_english = {}, {}
    if not os.path.exists(TS):
        return by_id, by_english
    for message in ET.parse(TS).getroot().iter("message"):
        source = message.findtext("source") or ""
        comment = message.findtext("comment")
        node = message.find("translation")
        text = node.text if node is not None and node.text else ""
        finished = node is not None and node.get("type") not in ("unfinished", "vanished", "obsolete")
        if comment:
            by_id[comment] = (source, text, finished)
        if text and finished:
            by_english.setdefault(source, text)
    return by_id, by_english


def main():
    extra = {}
    for path in sys.argv[1:]:
        extra.update(json.load(open(path, encoding="utf-8")))
    by_id, by_english = existing()
    out = ["<?xml version='1.0' encoding='utf-8'?>", '<!DOCTYPE TS>', '<TS version="2.1" language="zh_CN">',
           "<context>", "    <name>EngineMessage</name>"]
    unfinished = []
    for name, english in catalogue():
        translation, finished = "", False
        if name in extra or english in extra:
            translation, finished = extra.get(name, extra.get(english)), True
        elif name in by_id:
            source, text, was_finished = by_id[name]
            translation, finished = text, was_finished and source == english
        elif english in by_english:
            translation, finished = by_english[english], True
        if finished and sorted(set(PLACEHOLDER.findall(translation))) != sorted(set(PLACEHOLDER.findall(english))):
            print(f"{name}: the translation's %N differ from the English", file=sys.stderr)
            finished = False
        if not finished:
            unfinished.append((name, english))
        state = "" if finished else ' type="unfinished"'
        out += ["    <message>",
                f"        <source>{escape(english)}</source>",
                f"        <comment>{escape(name)}</comment>",
                f"        <translation{state}>{escape(translation)}</translation>",
                "    </message>"]
    out += ["</context>", "</TS>", ""]
    with open(TS + ".tmp", "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    os.replace(TS + ".tmp", TS)
    for name, english in unfinished:
        print(f"unfinished: {name}: {english}")
    print(f"{len(catalogue())} messages, {len(unfinished)} without a finished translation", file=sys.stderr)


if __name__ == "__main__":
    main()
