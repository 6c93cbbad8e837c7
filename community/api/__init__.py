"""The read-only JSON API under /api/v1/ for public content (open-data use)."""
