def test_login_page_in_indonesian_by_default(client):
    response = client.get("/masuk")
    assert response.status_code == 200
    assert 'lang="id"' in response.get_data(as_text=True)
