"""Every catalogue under community/translations (en, zh, and ko and vi when they come) is complete: each interface
string has a translation, none is empty or fuzzy, each keeps its msgid's %(name)s placeholders, a plural message has
as many forms as the language has, and the compiled .mo is current."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from community.config import DefaultConfig
from tests.main.test_i18n import _interface_strings, _plain

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted((ROOT / "community/translations").glob("*/LC_MESSAGES/messages.po"))
LANGUAGES = [path.parents[1].name for path in CATALOGUES]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _read(language: str):
    with (ROOT / "community/translations" / language / "LC_MESSAGES/messages.po").open("rb") as handle:
        return read_po(handle)


def problems(catalogue) -> list[str]:
    """What is wrong with a catalogue's messages: empty, fuzzy, placeholders not those of the msgid, plural forms."""
    found = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        label = ids[0][:40]
        if message.fuzzy:
            found.append(f"fuzzy: {label}")
        if not all(strings):
            found.append(f"empty: {label}")
            continue
        if len(ids) > 1 and len(strings) != catalogue.num_plurals:
            found.append(f"{len(strings)} plural forms, {catalogue.num_plurals} expected: {label}")
        expected = set(PLACEHOLDER.findall(ids[0]))
        for text in strings:
            if set(PLACEHOLDER.findall(text)) != expected:
                found.append(f"placeholders {sorted(PLACEHOLDER.findall(text))} ≠ {sorted(expected)}: {label}")
    return found


def test_every_offered_language_has_a_catalogue():
    assert set(DefaultConfig.LANGUAGES) - {"ja"} <= set(LANGUAGES)


def test_the_check_finds_empty_fuzzy_and_placeholder_mistakes():
    from babel.messages.catalog import Catalog

    catalogue = Catalog(locale="zh")
    catalogue.add("%(n)d件", "%(n)d条")
    catalogue.add("%(name)s さん", "%(nom)s")
    catalogue.add("保存", "")
    catalogue.add("確認", "确认", flags=["fuzzy"])
    catalogue.add(("%(num)d 件", "%(num)d 件"), ("%(num)d 条", "多余"))
    assert problems(catalogue) == [
        "placeholders ['nom'] ≠ ['name']: %(name)s さん", "empty: 保存", "fuzzy: 確認",
        "2 plural forms, 1 expected: %(num)d 件", "placeholders [] ≠ ['num']: %(num)d 件"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete_and_exact(language):
    catalogue = _read(language)
    assert not problems(catalogue), f"{language}: " + "\n".join(problems(catalogue)[:30])
    translated = {(m.id if isinstance(m.id, str) else m.id[0]) for m in catalogue if m.id}
    missing = sorted(_interface_strings() - translated)
    assert not missing, f"{language}: run scripts/i18n.sh and translate: {missing[:20]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_is_current(language):
    po_path = ROOT / "community/translations" / language / "LC_MESSAGES/messages.po"
    with po_path.open("rb") as handle:
        po = {_plain(m.id): _plain(m.string) for m in read_po(handle) if m.id and m.string}
    with po_path.with_suffix(".mo").open("rb") as handle:
        mo = {_plain(m.id): _plain(m.string) for m in read_mo(handle) if m.id}
    assert po == mo, f"{language}: run scripts/i18n.sh to compile the catalogue"
