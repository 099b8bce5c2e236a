"""The WhatsApp button of a new invitation opens a chat with the invitation
text as a person reads it: encoded once, no HTML entities."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from tests.factories import GroupFactory, MembershipFactory


def test_whatsapp_share_carries_the_readable_invitation_text(client, login_as):
    group = GroupFactory(name="Tani & Ternak “Maju” <Selo>")
    leader = MembershipFactory(group=group)
    login_as(leader.user)
    body = client.post(f"/kelola/{group.slug}/undangan", follow_redirects=True).get_data(
        as_text=True
    )
    link = unescape(re.search(r'id="invite-link"[^>]*value="([^"]+)"', body).group(1))
    href = unescape(re.search(r'href="(https://wa\.me/[^"]+)"', body).group(1))
    parts = urlsplit(href)
    assert (parts.netloc, parts.path) == ("wa.me", "/")
    assert parse_qs(parts.query)["text"] == [
        f"Ayo bergabung dengan Tani & Ternak “Maju” <Selo> di Etalase: {link}"
    ]
