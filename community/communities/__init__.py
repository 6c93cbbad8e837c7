"""communities."""
