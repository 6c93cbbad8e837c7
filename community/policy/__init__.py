"""Who may see or change what: every view, template, query, feed, API and search result asks here.

One module per subject, each rule a named function written once; where a rule is needed in SQL too (lists, feeds,
search re-checks), its twin stands beside it and tests/policy/test_table.py holds the two to one table:

- base: who someone is (signed in, staff, admin) and their group and community roles, read once per request;
- content: what groups publish (events, shops, notices) and community meetups;
- communities: communities, what is inside them, membership;
- posts: topics, replies and the message board's threads and replies;
- items: any kind of item at once (can_view / visible), for bookmarks, my page, moderation, curation, search;
- moderation: the review queue, reports, curation and site administration;
- accounts: groups and their editors, follows, profiles, notifications;
- groups: which groups anyone may find (search, sitemap);
- search: the same rules as index tokens;
- sitepages: the site pages, contact messages and the admin home.

Templates get this package as `policy` and ask it (`policy.can_edit_item(current_user, item)`); they never
compare roles themselves.
"""

from community.policy.accounts import (
    can_delete_account,
    can_download_own_data,
    can_follow,
    can_follow_target,
    can_manage_group,
    can_publish_for,
    can_read_notification,
    can_remove_group_member,
    can_request_group,
    can_transfer_group_ownership,
    can_view_profile_communities,
    handover_before_deletion,
)
from community.policy.base import (
    community_roles_of,
    forget_community_roles,
    forget_group_roles,
    group_roles_of,
    is_admin,
    is_community_member,
    is_signed_in,
    is_staff,
    require,
)
from community.policy.communities import (
    can_create_community,
    can_join_community,
    can_manage_community,
    can_manage_community_members,
    can_manage_meetups,
    can_moderate_community,
    can_post_in_community,
    can_remove_member,
    can_rsvp,
    can_set_member_role,
    can_view_community,
    can_view_community_content,
    can_view_community_members,
    can_view_meetup,
    community_visible_clause,
    content_community_ids,
    is_open_community,
    open_community_ids,
    why_not_remove_member,
)
from community.policy.content import (
    can_edit_item,
    can_view_item,
    is_public_item,
    public_clause,
    publishable_groups,
    visible_clause,
)
from community.policy.groups import (
    can_find_group,
    findable_groups_clause,
    is_listed_group,
    listed_groups_clause,
)
from community.policy.items import ANYONE, can_bookmark, can_view, is_public_any_item, public, visible
from community.policy.moderation import (
    can_appoint_supporters,
    can_curate,
    can_dismiss_supporter,
    can_lock_thread,
    can_manage_mail_queue,
    can_manage_reference_data,
    can_moderate,
    can_raise_urgent_notice,
    can_read_audit_log,
    can_read_for_moderation,
    can_report,
    can_report_item,
    can_request_review,
    can_suspend,
    can_suspend_account,
    can_verify_group,
    can_view_collection,
    is_own_item,
    is_public_collection,
    public_collections_clause,
)
from community.policy.opendata import (
    can_import_for,
    can_manage_feed,
    can_view_import_job,
    importable_groups_query,
)
from community.policy.posts import (
    EDIT_WINDOW_MINUTES,
    board_reply_visible_clause,
    board_thread_visible_clause,
    can_close_board_thread,
    can_delete_post,
    can_edit_post,
    can_post_on_board,
    can_reply,
    can_view_board_reply,
    can_view_board_thread,
    can_view_post,
    can_view_reply,
    can_view_topic,
    post_visible_clause,
    reply_visible_clause,
    topic_visible_clause,
)
from community.policy.search import audiences_for_item, audiences_of
from community.policy.sitepages import can_edit_site_pages, can_open_admin_home, can_read_contact_messages

__all__ = [
    "can_find_group", "findable_groups_clause", "is_listed_group", "is_public_collection", "listed_groups_clause",
    "public_collections_clause",
    "ANYONE", "EDIT_WINDOW_MINUTES", "audiences_for_item", "audiences_of", "board_reply_visible_clause",
    "board_thread_visible_clause", "can_appoint_supporters", "can_bookmark", "can_close_board_thread",
    "can_create_community", "can_curate", "can_delete_account", "can_delete_post", "can_dismiss_supporter",
    "can_download_own_data", "can_edit_item", "can_edit_post", "can_edit_site_pages", "can_follow",
    "can_follow_target", "can_join_community", "can_lock_thread", "can_manage_community",
    "can_manage_community_members", "can_manage_group", "can_manage_mail_queue", "can_manage_meetups",
    "can_import_for", "can_manage_feed", "can_view_import_job", "importable_groups_query",
    "can_manage_reference_data", "can_moderate", "can_moderate_community", "can_open_admin_home",
    "can_post_in_community", "can_post_on_board", "can_publish_for", "can_raise_urgent_notice", "can_read_audit_log",
    "can_read_contact_messages", "can_read_for_moderation", "can_read_notification", "can_remove_group_member",
    "can_remove_member", "can_reply", "can_report", "can_report_item", "can_request_group", "can_request_review",
    "can_rsvp", "can_set_member_role", "can_suspend",
    "can_suspend_account", "can_transfer_group_ownership", "can_verify_group", "can_view", "can_view_board_reply",
    "can_view_board_thread", "can_view_collection", "can_view_community", "can_view_community_content",
    "can_view_community_members", "can_view_item", "can_view_meetup", "can_view_post",
    "can_view_profile_communities", "can_view_reply", "can_view_topic", "community_roles_of",
    "community_visible_clause", "content_community_ids", "forget_community_roles", "forget_group_roles",
    "group_roles_of", "handover_before_deletion", "is_admin", "is_community_member", "is_open_community",
    "is_own_item", "is_public_any_item", "is_public_item", "is_signed_in", "is_staff", "open_community_ids",
    "post_visible_clause", "public", "public_clause", "publishable_groups", "reply_visible_clause", "require",
    "topic_visible_clause", "visible", "visible_clause", "why_not_remove_member",
]
