"""Imports every model so that SQLAlchemy and Alembic see the whole schema."""

from community.accounts.models import User, UserSession  # noqa: F401
from community.areas.models import Area, Category  # noqa: F401
from community.board.models import BoardReply, BoardThread  # noqa: F401
from community.communities.models import Community, CommunityMembership, Reply, Rsvp, Topic, TopicRead  # noqa: F401
from community.content.models import ContentVersion  # noqa: F401
from community.events.models import Event, EventOccurrence  # noqa: F401
from community.furigana.models import LocalReading  # noqa: F401
from community.groups.models import Group, GroupMembership  # noqa: F401
from community.mail.models import OutgoingMail  # noqa: F401
from community.me.models import Bookmark, DigestDelivery, Follow  # noqa: F401
from community.moderation.models import (  # noqa: F401
    AuditEntry,
    Collection,
    CollectionItem,
    Feature,
    Report,
    ReviewRequest,
)
from community.notices.models import Notice  # noqa: F401
from community.notifications.models import Notification  # noqa: F401
from community.opendata.genres import GenreMapping  # noqa: F401
from community.opendata.models import FeedLog, FeedSubscription, ImportJob  # noqa: F401
from community.search.models import SearchChange, SearchHost  # noqa: F401
from community.shops.models import Shop  # noqa: F401
from community.signage.models import UrgentNotice  # noqa: F401
from community.sitepages.models import ContactMessage, SitePageVersion  # noqa: F401
