"""signage."""
