"""Moderation, curation and site administration by information supporters and admins.

    services.py        reports (auto-hide at REPORTS_TO_HIDE), approve / hide / restore / uphold / dismiss / lock,
                       verifying groups, suspending accounts, review requests; guarded, idempotent transitions
    queue.py           reading: the review queue, an item's history, the dashboard figures and stale information
    curation.py        おすすめ (featured_for) and 特集 collections (published_collections)
    admin.py           appointing supporters, areas (paths kept right on moves) and categories
    auditlog.py        reading and exporting the audit log (audit.py writes it)
    links.py           loading items of many kinds at once, their links, finding an item from a pasted URL
    views.py           /report, /moderation/...; curation_views (/features, /moderation/features,
                       /moderation/collections) and admin_views (/admin/...) add their routes to the same
                       blueprint, `bp` below (create_app imports all three)

Decisions: nothing is deleted (hidden items keep their row and are restorable); verifying a group can approve
its waiting items in the same action (a checkbox, on by default); a member may not report their own item;
a closed community's content is shown in the queue by its place only, unless the supporter is a member.
"""

from flask import Blueprint

bp = Blueprint("moderation", __name__)
