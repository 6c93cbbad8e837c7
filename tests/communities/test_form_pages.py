"""The form pages render for those who may use them (the other tests mostly post to them)."""


def _form_page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.get_data(as_text=True)
    assert '<form method="post"' in page and 'name="csrf_token"' in page, url
    return page


def test_community_form_pages(client, login, member, make_community, make_topic, make_reply):
    community = make_community(admin=member)
    topic = make_topic(community, member)
    reply = make_reply(topic, member)
    login(member)
    _form_page(client, "/communities/new")
    _form_page(client, f"/communities/{community.slug}/topics/new")
    page = _form_page(client, f"/communities/{community.slug}/replies/{reply.id}/edit")
    assert reply.body in page  # the form holds the text being edited


def test_a_meetup_is_not_edited_through_the_event_editor(client, login, member, make_community, make_meetup):
    community = make_community(admin=member)
    meetup = make_meetup(community, member)
    login(member)  # the community's admin: meetups are managed on the community's own pages
    for path in ("edit", "history"):
        assert client.get(f"/events/{meetup.id}/{path}").status_code == 404, path
    assert client.post(f"/events/{meetup.id}/withdraw").status_code == 404
