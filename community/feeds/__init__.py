"""Atom feeds for every listing and iCalendar for events, honouring the listing filters."""
