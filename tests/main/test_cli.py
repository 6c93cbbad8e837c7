"""The `community` command: database set-up, admins, demo and synthetic data, backup and restore."""

from datetime import timedelta

from sqlalchemy import func, select


def _count(app, model):
    from community.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_every_command_has_help(runner):
    for command in ("serve", "init-db", "create-admin", "seed", "backup", "restore", "reindex", "index-worker",
                    "import-events", "import-facilities", "export-events", "export-facilities", "send-digests"):
        result = runner.invoke(args=[command, "--help"])
        assert result.exit_code == 0, (command, result.output)
        assert "Usage:" in result.output


def test_init_db_is_idempotent_and_seeds_reference_data(app, runner):
    from community.areas.models import Area, Category

    assert runner.invoke(args=["init-db"]).exit_code == 0
    assert runner.invoke(args=["init-db"]).exit_code == 0
    assert _count(app, Area) == 1 + 3 + 22
    assert _count(app, Category) == 8


def test_create_admin_then_log_in_and_reach_admin_pages(app, runner, client):
    result = runner.invoke(args=["create-admin", "--email", "staff@city.example.jp", "--name", "市職員",
                                 "--password", "a-long-admin-password"])
    assert result.exit_code == 0, result.output
    assert client.post("/login", data={"email": "staff@city.example.jp",
                                       "password": "a-long-admin-password"}).status_code == 302
    assert client.get("/admin").status_code == 200


def test_create_admin_refuses_a_short_password(app, runner):
    from community.accounts.models import User

    result = runner.invoke(args=["create-admin", "--email", "x@example.jp", "--name", "x", "--password", "short"])
    assert result.exit_code != 0
    assert "10文字以上" in result.output
    assert _count(app, User) == 0


def test_seed_demo_prints_logins_once_and_fills_the_site(app, runner, client):
    from community.events.models import Event

    first = runner.invoke(args=["seed", "--demo"])
    assert first.exit_code == 0, first.output
    assert "admin@example.jp" in first.output and "sagamihara-demo" in first.output
    second = runner.invoke(args=["seed", "--demo"])
    assert "デモデータはすでにあります" in second.output
    assert _count(app, Event) >= 6
    home = client.get("/").get_data(as_text=True)
    assert "橋本三丁目 秋の防災訓練" in home
    assert "子育てサロン" in client.get("/search?q=こそだて").get_data(as_text=True)


def test_seed_without_a_choice_is_a_usage_error(runner):
    result = runner.invoke(args=["seed"])
    assert result.exit_code != 0
    assert "--demo か --synthetic N" in result.output


def test_seed_synthetic_inserts_items_and_indexes_them(app, runner, client):
    from community.events.models import Event
    from community.notices.models import Notice
    from community.shops.models import Shop

    result = runner.invoke(args=["seed", "--synthetic", "60"])
    assert result.exit_code == 0, result.output
    assert _count(app, Event) + _count(app, Shop) + _count(app, Notice) == 60
    assert "件見つかりました" in client.get("/search?q=相談会").get_data(as_text=True) or \
        "件見つかりました" in client.get("/search?q=子育て").get_data(as_text=True)


def test_seed_synthetic_builds_a_whole_city_in_proportion(app, runner, client):
    """Members, groups, communities with topics and replies, board threads and replies, follows, bookmarks and
    reports come with the items, in PRODUCT.md's proportions; some events repeat and some last for weeks."""
    from community.accounts.models import User
    from community.board.models import BoardReply, BoardThread
    from community.communities.models import Community, CommunityMembership, Reply, Topic
    from community.demo.synthetic import city_shape
    from community.events.models import Event, EventOccurrence
    from community.extensions import db
    from community.groups.models import Group
    from community.me.models import Bookmark, Follow
    from community.moderation.models import Report

    shape = city_shape(2_000)
    assert shape["members"] == 1_000 and shape["groups"] == 40 and shape["topics"] == 80
    before_members = _count(app, User)
    result = runner.invoke(args=["seed", "--synthetic", "2000"])
    assert result.exit_code == 0, result.output
    assert _count(app, User) - before_members == shape["members"]
    assert _count(app, Group) >= shape["groups"] and _count(app, Community) == shape["communities"]
    assert _count(app, Topic) == shape["topics"] and _count(app, Reply) == shape["topic_replies"]
    assert _count(app, BoardThread) == shape["threads"] and _count(app, BoardReply) == shape["thread_replies"]
    assert _count(app, CommunityMembership) >= 3 * shape["communities"]
    assert 0.9 * shape["follows"] <= _count(app, Follow) <= shape["follows"]
    assert 0.9 * shape["bookmarks"] <= _count(app, Bookmark) <= shape["bookmarks"]
    assert _count(app, Report) > 0
    with app.app_context():
        repeating = db.session.scalar(select(func.count()).select_from(Event).where(Event.rrule != ""))
        long_running = db.session.scalar(select(func.count()).select_from(Event).where(
            Event.ends_at - Event.starts_at > timedelta(days=10)) if db.engine.dialect.name == "postgresql" else
            select(func.count()).select_from(Event).where(
                func.julianday(Event.ends_at) - func.julianday(Event.starts_at) > 10))
        meetups = db.session.scalar(select(func.count()).select_from(Event).where(Event.community_id.is_not(None)))
        dates = db.session.scalar(select(func.count()).select_from(EventOccurrence))
        with app.test_request_context():
            links = {closed: db.session.scalars(select(Topic).join(Community).where(
                Community.is_closed.is_(closed))).first().link for closed in (False, True)}
        body_lengths = [len(b) for b in db.session.scalars(select(Event.body).limit(50))]
    assert repeating and long_running and meetups
    assert dates > _count(app, Event)  # repeating events have a row per date
    assert sum(body_lengths) / len(body_lengths) > 60  # text of the length residents write
    assert client.get(links[False]).status_code == 200
    assert client.get(links[True]).status_code in (302, 403, 404)  # a closed community's topic is not public


def test_backup_and_restore_round_trip(app, runner, tmp_path, make_user):
    from community.accounts.models import User

    make_user(email="before@example.jp")
    target = tmp_path / "backup.tar.gz"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0
    make_user(email="after@example.jp")
    assert _count(app, User) == 2
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    assert _count(app, User) == 1


def test_restore_refuses_a_damaged_file(app, runner, tmp_path, make_user):
    from community.accounts.models import User

    make_user()
    bad = tmp_path / "broken.tar.gz"
    bad.write_bytes(b"this is not a database" * 100)
    result = runner.invoke(args=["restore", str(bad), "--yes"])
    assert result.exit_code != 0
    assert _count(app, User) == 1


def test_serve_lets_gunicorn_take_long_request_lines(runner, monkeypatch):
    """A long but valid URL (a 200-character search with filters) must not meet gunicorn's default 4094-byte limit."""
    from gunicorn.config import Config

    from community import commands

    started = {}
    monkeypatch.setattr(commands.os, "execvpe", lambda path, argv, env: started.update(argv=argv, env=env))
    result = runner.invoke(args=["serve", "--port", "5099"])
    assert result.exit_code == 0, result.output
    argv = started["argv"]
    assert argv[1:3] == ["-m", "gunicorn"]
    options = Config().parser().parse_args(argv[3:])
    assert options.limit_request_line == 8190 and options.bind == ["127.0.0.1:5099"]
    assert options.accesslog is None  # the site's own request lines name no visitor; gunicorn's would
