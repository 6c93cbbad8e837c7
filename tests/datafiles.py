"""The real published files the tests read, kept in tests/data/ (their sources are in tests/data/README.md)."""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
HAMAMATSU_EVENTS = DATA_DIR / "hamamatsu_221309_events_sjis.csv"  # 1,894 events, older layout + city extras, CP932
YAIZU_FACILITIES = DATA_DIR / "yaizu_222127_public_facility_utf8.csv"  # 230 facilities, older layout, UTF-8
YAIZU_EVENTS = DATA_DIR / "yaizu_222127_events_excerpt_utf8.csv"  # 8 events, current 80-column layout, UTF-8
