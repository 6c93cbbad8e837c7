"""Registering, logging out and logging in again through the real pages, as a resident would."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

EMAIL = "hanako@example.jp"
NAME = "相模 花子"


def _main_menu(page: Page):
    return page.get_by_role("navigation", name="メインメニュー")


def test_register_log_out_and_log_in_again(page: Page, app):
    page.goto("/")
    _main_menu(page).get_by_role("link", name="新規登録").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新規登録")

    page.get_by_label("メールアドレス").fill(EMAIL)
    page.get_by_label("表示名").fill(NAME)
    page.get_by_label("パスワード", exact=True).fill(PASSWORD)
    page.get_by_label("パスワード（確認）").fill(PASSWORD)
    page.get_by_label("利用規約と個人情報の取扱いに同意します").check()
    page.get_by_role("button", name="登録する").click()

    # Registering signs the new member in at once.
    expect(page.get_by_role("status")).to_contain_text(f"登録しました。ようこそ、{NAME} さん。")
    expect(_main_menu(page).get_by_role("link", name="ログイン")).to_have_count(0)
    with app.app_context():
        from community.accounts.services import find_user_by_email

        assert find_user_by_email(EMAIL).display_name == NAME

    _main_menu(page).get_by_role("button", name="ログアウト").click()
    expect(page.get_by_role("status")).to_contain_text("ログアウトしました。")
    expect(_main_menu(page).get_by_role("button", name="ログアウト")).to_have_count(0)

    _main_menu(page).get_by_role("link", name="ログイン").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ログイン")

    # A wrong password is refused with a clear message, and the address is kept.
    page.get_by_label("メールアドレス").fill(EMAIL)
    page.get_by_label("パスワード", exact=True).fill("not-the-password")
    page.get_by_role("button", name="ログイン", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("メールアドレスまたはパスワードが正しくありません。")
    expect(page.get_by_label("メールアドレス")).to_have_value(EMAIL)
    expect(_main_menu(page).get_by_role("button", name="ログアウト")).to_have_count(0)

    page.get_by_label("パスワード", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("ログインしました。")
    expect(page).to_have_url(re.compile(r"/$"))

    # Signed in as that member: the settings page shows their own name.
    _main_menu(page).get_by_role("link", name="設定").click()
    expect(page.get_by_label("表示名")).to_have_value(NAME)
