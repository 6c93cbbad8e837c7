"""Open-data CSV import and export (national 推奨データセット / 自治体標準オープンデータセット layouts)."""
