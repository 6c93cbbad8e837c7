"""The site pages (/about, /terms, …), their history, the contact messages and the admin home: admins only."""

from __future__ import annotations

from community.policy.base import is_admin


def can_edit_site_pages(user) -> bool:
    """Writing a new version of a site page and reading every earlier one."""
    return is_admin(user)


def can_read_contact_messages(user) -> bool:
    """Messages carry senders' names and addresses: admins read them and mark them handled."""
    return is_admin(user)


def can_open_admin_home(user) -> bool:
    return is_admin(user)
