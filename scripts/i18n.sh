#!/usr/bin/env bash
# Re-extract interface strings, merge them into every catalogue present (community/translations/<lang>: en, zh, ko,
# vi, …) and compile them all. After running, fill the empty msgstr entries of each messages.po and run this again;
# tests/main/test_i18n.py and tests/i18n/test_catalogues.py fail while any string has no translation.
# A new language: `pybabel init -i community/translations/messages.pot -d community/translations -l CODE`, then
# add CODE to LANGUAGES in community/config.py (community/locale.py LANGUAGES names it).
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel extract --ignore-dirs '.* __pycache__ .venv node_modules instance' -F babel.cfg -k _l -o community/translations/messages.pot --no-location --sort-output --omit-header --no-wrap .
if [ ! -f community/translations/en/LC_MESSAGES/messages.po ]; then
  pybabel init -i community/translations/messages.pot -d community/translations -l en
fi
for catalogue in community/translations/*/LC_MESSAGES/messages.po; do
  lang="$(basename "$(dirname "$(dirname "$catalogue")")")"
  pybabel update -i community/translations/messages.pot -d community/translations -l "$lang" --no-fuzzy-matching --ignore-obsolete --no-wrap
done
pybabel compile -d community/translations --use-fuzzy
