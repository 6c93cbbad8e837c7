"""The names of roles as people read them: on the site (member, supporter, admin), in a community and in a group.
Display only; what each role may do is the policy's."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "site": {"admin": _l("管理者"), "supporter": _l("地域情報サポーター"), "member": _l("会員")},
    "community": {"admin": _l("管理者"), "moderator": _l("モデレーター"), "member": _l("参加者")},
    "group": {"owner": _l("代表者"), "editor": _l("編集者")},
}


def role_label(scope: str, role: str) -> str:
    """role_label("community", "moderator") -> モデレーター (in the visitor's language)."""
    return str(ROLE_LABELS[scope].get(role, role))
