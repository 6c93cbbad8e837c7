"""Events: listing by period, detail, the month calendar, and editing for groups."""
