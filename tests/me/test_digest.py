"""`community send-digests` against a real SMTP server on loopback; unsubscribing without logging in."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from community.timeutil import now_utc


@pytest.fixture
def digests(app, runner):
    """Runs `community send-digests --now ISO` and returns the CLI result."""
    from community.me.cli import COMMANDS

    for command in COMMANDS:
        app.cli.add_command(command)

    def run(now=None):
        args = ["send-digests"] + (["--now", now.isoformat()] if now else [])
        result = runner.invoke(args=args)
        assert result.exit_code in (0, 1), result.output
        return result

    return run


@pytest.fixture
def subscriber(make_user, editor, make_item, add_follows):
    """A daily subscriber who follows a group that has just published two items."""
    user = make_user(email="daily@example.jp", name="毎日 受信者", digest_frequency="daily")
    make_item("event", editor.group, title="相模川の清掃活動")
    make_item("notice", editor.group, title="防災訓練 & 避難所のお知らせ")
    add_follows(user, "group", [editor.group.id])
    return user


def _parts(message) -> dict[str, str]:
    return {part.get_content_type(): part.get_content() for part in message.iter_parts()}


def _unsubscribe_path(message) -> str:
    text = _parts(message)["text/plain"]
    return re.search(r"https://portal\.example\.jp(/me/unsubscribe/\S+)", text).group(1)


def test_digest_is_sent_once_with_text_and_html(smtp_server, digests, subscriber):
    result = digests()
    assert "送信 1 件" in result.output
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "daily@example.jp"
    assert "今日の新着" in message["Subject"]
    assert message.get_content_type() == "multipart/alternative"
    parts = _parts(message)
    assert set(parts) == {"text/plain", "text/html"}
    assert "相模川の清掃活動" in parts["text/plain"] and "相模川の清掃活動" in parts["text/html"]
    assert "防災訓練 & 避難所のお知らせ" in parts["text/plain"]  # plain text is not escaped
    assert "防災訓練 &amp; 避難所のお知らせ" in parts["text/html"]  # HTML is
    assert "https://portal.example.jp/events/" in parts["text/plain"]
    unsubscribe = _unsubscribe_path(message)
    assert f"https://portal.example.jp{unsubscribe}" in parts["text/html"]
    assert message["List-Unsubscribe"] == f"<https://portal.example.jp{unsubscribe}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    again = digests()
    assert len(smtp_server.messages) == 1
    assert "送信 0 件" in again.output


def test_nothing_new_means_no_mail(smtp_server, digests, make_user, make_group, add_follows):
    quiet = make_user(digest_frequency="daily")
    add_follows(quiet, "group", [make_group().id])
    make_user(digest_frequency="weekly")  # follows nothing
    result = digests()
    assert smtp_server.messages == []
    assert "新着なし 2 件" in result.output


def test_members_who_chose_none_get_nothing(smtp_server, digests, app, subscriber):
    from community.accounts.models import User
    from community.extensions import db

    with app.app_context():
        db.session.get(User, subscriber.id).digest_frequency = "none"
        db.session.commit()
    digests()
    assert smtp_server.messages == []


def test_next_day_sends_only_what_is_new_since(smtp_server, digests, app, subscriber, editor, make_item,
                                               set_published):
    now = now_utc()
    digests(now)
    assert len(smtp_server.messages) == 1
    tomorrow = now + timedelta(days=1)
    digests(tomorrow)
    assert len(smtp_server.messages) == 1  # nothing new since the first digest
    set_published(make_item("notice", editor.group, title="翌日のお知らせ"), tomorrow + timedelta(minutes=1))
    digests(tomorrow + timedelta(minutes=5))
    assert len(smtp_server.messages) == 2
    text = _parts(smtp_server.messages[1])["text/plain"]
    assert "翌日のお知らせ" in text and "相模川の清掃活動" not in text


def test_weekly_digest_once_a_week(smtp_server, digests, app, subscriber, editor, make_item, set_published):
    from community.accounts.models import User
    from community.extensions import db

    with app.app_context():
        db.session.get(User, subscriber.id).digest_frequency = "weekly"
        db.session.commit()
    now = now_utc()
    digests(now)
    assert len(smtp_server.messages) == 1
    assert "今週の新着" in smtp_server.messages[0]["Subject"]
    set_published(make_item("notice", editor.group), now + timedelta(minutes=1))
    digests(now + timedelta(minutes=10))  # the same ISO week in Japan time, unless the test runs at Sunday midnight
    from community.me.digest import period_key

    if period_key("weekly", now) == period_key("weekly", now + timedelta(minutes=10)):
        assert len(smtp_server.messages) == 1
    digests(now + timedelta(days=7))
    assert len(smtp_server.messages) == 2


def test_a_digest_already_queued_for_the_period_is_not_queued_again(smtp_server, digests, app, subscriber, editor,
                                                                   make_item, set_published):
    """Another run (or this one, earlier) recorded this member's digest for the period: nothing more is queued; the
    next period's digest carries a Message-ID of its own, the same for every attempt at it."""
    from sqlalchemy import func, select

    from community.extensions import db
    from community.mail.models import OutgoingMail
    from community.me.digest import period_key
    from community.me.models import DigestDelivery

    now = now_utc()
    with app.app_context():
        db.session.add(DigestDelivery(user_id=subscriber.id, period=period_key("daily", now), created_at=now,
                                      sent_at=now))
        db.session.commit()
    assert "送信済み 1 件" in digests(now).output
    assert smtp_server.messages == []
    tomorrow = now + timedelta(days=1, hours=1)
    set_published(make_item("notice", editor.group, title="翌日のお知らせ"), tomorrow - timedelta(minutes=5))
    digests(tomorrow)
    assert len(smtp_server.messages) == 1
    period = period_key("daily", tomorrow).replace(":", ".")
    assert smtp_server.messages[0]["Message-ID"] == f"<digest.{subscriber.id}.{period}@portal.example.jp>"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutgoingMail)) == 1


def test_a_mail_server_that_refuses_delays_the_digest_and_the_queue_retries_it(digests, app, subscriber):
    """The digest is queued once whatever the mail server does; the queue keeps it, retries it after a pause,
    and sends it once the server answers."""
    from aiosmtpd.controller import Controller
    from sqlalchemy import select

    from community.extensions import db
    from community.mail.delivery import deliver_due
    from community.mail.models import OutgoingMail
    from community.me.models import DigestDelivery
    from tests.me.conftest import _free_port, _Inbox

    port = _free_port()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, SITE_URL="https://portal.example.jp")  # nobody there
    result = digests()
    assert result.exit_code == 0 and "送信 1 件" in result.output
    with app.app_context():
        assert db.session.scalar(select(DigestDelivery).where(DigestDelivery.user_id == subscriber.id)) is not None
        mail = db.session.scalar(select(OutgoingMail))
        assert mail.sent_at is None and mail.attempts == 1 and "ConnectionRefused" in mail.last_error
        retry_at = mail.next_attempt_at
        assert deliver_due(now_utc()) == (0, 0)  # not due again yet
    assert digests().output.count("送信済み 1 件") == 1  # a second run queues nothing more
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with app.app_context():
            assert deliver_due(retry_at + timedelta(seconds=1)) == (1, 0)
            assert db.session.scalar(select(OutgoingMail)).sent_at is not None
    finally:
        controller.stop()
    assert len(inbox.messages) == 1 and inbox.messages[0]["To"] == "daily@example.jp"


def test_bad_now_is_refused(digests, runner):
    result = runner.invoke(args=["send-digests", "--now", "yesterday"])
    assert result.exit_code == 2
    assert "ISO 8601" in result.output


def test_unsubscribe_link_works_without_logging_in(smtp_server, digests, client, get_user, subscriber):
    digests()
    path = _unsubscribe_path(smtp_server.messages[0])
    page = client.get(path)
    assert page.status_code == 200
    assert "配信を停止する" in page.get_data(as_text=True)
    assert "da***@example.jp" in page.get_data(as_text=True)
    assert get_user(subscriber.id).digest_frequency == "daily"  # a bare GET changes nothing
    done = client.post(path, csrf=False)
    assert done.status_code == 200
    assert "停止しました" in done.get_data(as_text=True)
    assert get_user(subscriber.id).digest_frequency == "none"


def test_one_click_unsubscribe_per_rfc_8058(smtp_server, digests, client, get_user, subscriber):
    digests()
    path = _unsubscribe_path(smtp_server.messages[0])
    response = client.post(path, data={"List-Unsubscribe": "One-Click"}, csrf=False)
    assert response.status_code == 200
    assert get_user(subscriber.id).digest_frequency == "none"


def test_forged_unsubscribe_token_gives_404(client, app, member, get_user):
    from itsdangerous import URLSafeSerializer

    forged = URLSafeSerializer("another-secret", salt="digest-unsubscribe").dumps({"u": member.id})
    wrong_salt = URLSafeSerializer(app.config["SECRET_KEY"], salt="password-reset").dumps({"u": member.id})
    for token in (forged, wrong_salt, "nonsense"):
        assert client.get(f"/me/unsubscribe/{token}").status_code == 404
        assert client.post(f"/me/unsubscribe/{token}", csrf=False).status_code == 404


def test_digest_is_written_in_the_language_the_member_chose(smtp_server, digests, client, login, subscriber, editor):
    """The member chose English on the site (the language menu): the digest, sent with no page open, is English;
    the titles stay as their authors wrote them."""
    from community.locale import JAPANESE_CHARACTERS

    login(subscriber)
    client.post("/preferences/language", data={"lang": "en", "next": "/"})
    digests()
    message = smtp_server.messages[-1]
    assert "Sagamihara Community Portal" in message["Subject"]
    assert not JAPANESE_CHARACTERS.search(message["Subject"]), message["Subject"]
    text = _parts(message)["text/plain"]
    assert "相模川の清掃活動" in text
    interface = text.replace("相模川の清掃活動", "").replace("防災訓練 & 避難所のお知らせ", "")
    interface = interface.replace(subscriber.display_name, "").replace(editor.group.name, "")
    leftover = [line for line in interface.splitlines() if JAPANESE_CHARACTERS.search(line)]
    assert not leftover, leftover
