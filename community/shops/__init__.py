"""Shop and facility listings: browsing, detail and editing for groups."""
