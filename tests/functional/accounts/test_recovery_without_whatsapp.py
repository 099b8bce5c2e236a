"""A site that sends no WhatsApp messages: a person who typed a number at
/lupa-sandi is not shown a "set a new password" page that offers no form,
but the question they asked, why no code comes, whom to ask, and the way back."""

import re


def test_the_code_page_without_whatsapp_leads_back(client):
    client.get("/bahasa/en")
    response = client.post("/lupa-sandi", data={"login": "0812-3456-7890"})
    assert response.status_code in (302, 303)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r"<h1>\s*Forgot your password\?\s*</h1>", page)
    assert "Set a new password" not in page
    assert "This site does not send codes by WhatsApp." in page
    assert "pendamping" in page
    assert 'href="/masuk">Back to log in</a>' in page
