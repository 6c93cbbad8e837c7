"""Areas and categories: browsing by place and by theme, and their admin pages."""
