"""Interest communities: profiles and membership (services), their boards (boards), meetups with RSVPs (meetups);
the pages are in views, membership_views, topic_views and meetup_views, all on this blueprint."""

from flask import Blueprint

bp = Blueprint("communities", __name__)
