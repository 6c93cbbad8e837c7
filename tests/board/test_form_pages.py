"""The board's reply edit form renders for its author (the other tests mostly post to it)."""


def test_reply_edit_form_page(client, login, member, make_thread, make_reply):
    thread = make_thread(member)
    reply = make_reply(thread, member, body="明日も開いています")
    login(member)
    response = client.get(f"/board/replies/{reply.id}/edit")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<form method="post"' in page and 'name="csrf_token"' in page and "明日も開いています" in page
