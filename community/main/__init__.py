"""The home page, health check, display preferences and error pages."""
