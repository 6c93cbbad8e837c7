#!/usr/bin/env bash
# Re-extract interface strings, merge them into the English catalogue and compile it.
# After running, fill the empty msgstr entries in community/translations/en/LC_MESSAGES/messages.po
# and run this again; tests/main/test_i18n.py fails while any string has no English.
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel extract --ignore-dirs '.* __pycache__ .venv node_modules instance' -F babel.cfg -k _l -o community/translations/messages.pot --no-location --sort-output --omit-header --no-wrap .
if [ -f community/translations/en/LC_MESSAGES/messages.po ]; then
  pybabel update -i community/translations/messages.pot -d community/translations -l en --no-fuzzy-matching --ignore-obsolete --no-wrap
else
  pybabel init -i community/translations/messages.pot -d community/translations -l en
fi
pybabel compile -d community/translations --use-fuzzy
