from tests.communities.conftest import make_meetup, rows  # noqa: F401 - fixtures shared with the community tests
