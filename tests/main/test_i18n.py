"""Every interface string has an English translation, and the compiled catalogue is current."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "community/translations/en/LC_MESSAGES/messages.po"
MO = PO.with_suffix(".mo")
SOURCES = {
    "community": ([("**.py", "python")], {}),
    "templates": ([("**.html", "jinja2")], {"**.html": {"extensions": "jinja2.ext.do"}}),
}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def _interface_strings() -> set[str]:
    found = set()
    for directory, (methods, options) in SOURCES.items():
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / directory, methods, options, keywords=KEYWORDS,
            directory_filter=lambda path: not Path(path).name.startswith((".", "__pycache__")),
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_interface_string_has_english():
    with PO.open("rb") as handle:
        catalogue = read_po(handle)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalogue
        if m.id and (m.string if isinstance(m.string, str) else m.string[0])
    }
    missing = sorted(_interface_strings() - translated)
    assert not missing, f"run scripts/i18n.sh and translate: {missing[:20]}"


def _plain(value):
    """Plural messages carry tuples in the .po reader and lists in the .mo reader."""
    return tuple(value) if isinstance(value, (list, tuple)) else value


def test_compiled_catalogue_matches_the_po_file():
    with PO.open("rb") as handle:
        po = {_plain(m.id): _plain(m.string) for m in read_po(handle) if m.id and m.string}
    with MO.open("rb") as handle:
        mo = {_plain(m.id): _plain(m.string) for m in read_mo(handle) if m.id}
    assert po == mo, "run scripts/i18n.sh to compile the catalogue"
