"""Which push endpoints the site will post to. The endpoint is the browser's
to give, so a hostile one must not make the server call its own network: the
host is judged after normalisation (case, a trailing dot, IDNA, user info,
ports, other spellings of an IP address) and after resolving it, as the HTTP
client would connect. A DNS table stands in for the network's."""

from __future__ import annotations

import pytest

from shop.notify import push
from shop.notify.push import EndpointRefused, checked_endpoint
from shop.production import problems_in_production
from tests.fakes.web_push import fake_resolver

HOSTILE_DNS = {
    "push.evil.example": ["127.0.0.1"],
    "mixed.evil.example": ["142.250.4.95", "10.0.0.7"],
    "metadata.evil.example": ["169.254.169.254"],
    "v6.evil.example": ["fe80::1%eth0"],
    "mapped.evil.example": ["::ffff:192.168.1.1"],
    "xn--bcher-kva.example": ["192.168.0.10"],
}


@pytest.fixture(autouse=True)
def dns(monkeypatch):
    monkeypatch.setattr(push, "resolve_host", fake_resolver(HOSTILE_DNS))


def refused(url: str, *, production: bool = True, allow_private: bool = False) -> str:
    with pytest.raises(EndpointRefused) as caught:
        checked_endpoint(url, production=production, allow_private=allow_private)
    return caught.value.reason


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://fcm.googleapis.com/fcm/send/abc", "https://fcm.googleapis.com/fcm/send/abc"),
        ("https://FCM.GoogleAPIs.COM./fcm/send/aBc", "https://fcm.googleapis.com/fcm/send/aBc"),
        ("HTTPS://fcm.googleapis.com:443/x?y=1", "https://fcm.googleapis.com:443/x?y=1"),
        # Full-width letters are the same name once IDNA-normalised.
        ("https://ｆｃｍ.googleapis.com/x", "https://fcm.googleapis.com/x"),
        ("https://updates.push.services.mozilla.com/wpush/v2/gA", None),
    ],
)
def test_a_push_services_endpoint_is_kept_normalised(url, kept):
    endpoint = checked_endpoint(url, production=True)
    assert endpoint.url == (kept or url)
    assert endpoint.host == endpoint.host.lower() and not endpoint.host.endswith(".")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        # Not https on the usual port, in production.
        ("http://fcm.googleapis.com/fcm/send/abc", "https"),
        ("https://fcm.googleapis.com:8443/fcm/send/abc", "https"),
        ("https://fcm.googleapis.com:80/fcm/send/abc", "https"),
        # User info: which host is meant depends on who parses it.
        ("https://fcm.googleapis.com@127.0.0.1/x", "url"),
        ("https://user:secret@fcm.googleapis.com/x", "url"),
        ("https://fcm.googleapis.com\\@127.0.0.1/x", "url"),
        ("https://fcm.googleapis.com:443@10.0.0.1/x", "url"),
        # Other spellings of an IPv4 address, and escapes in the host.
        ("https://2130706433/x", "url"),
        ("https://0x7f.1/x", "url"),
        ("https://127.1/x", "url"),
        ("https://0177.0.0.1/x", "url"),
        ("https://127%2e0%2e0%2e1/x", "url"),
        ("https://fcm.googleapis.com /x", "url"),
        ("https://fcm.googleapis.com/x\n", "url"),
        ("https://a..b/x", "url"),
        ("https:///x", "url"),
        ("file:///etc/passwd", "url"),
        ("javascript:alert(1)", "url"),
        ("https://push.example.com/" + "a" * 1000, "length"),
        # Addresses of this machine or a private network, however written.
        ("https://127.0.0.1/x", "internal"),
        ("https://10.1.2.3/x", "internal"),
        ("https://169.254.169.254/latest/meta-data", "internal"),
        ("https://[::1]/x", "internal"),
        ("https://[fd00::1]/x", "internal"),
        ("https://[fe80::1]/x", "internal"),
        ("https://[::ffff:127.0.0.1]/x", "internal"),
        ("https://[64:ff9b::a00:1]/x", "internal"),  # NAT64 of 10.0.0.1
        ("https://[2002:7f00:1::]/x", "internal"),  # 6to4 of 127.0.0.1
        ("https://0.0.0.0/x", "internal"),
        ("https://localhost/x", "internal"),
        ("https://LOCALHOST./x", "internal"),
        ("https://redis.internal/x", "internal"),
        ("https://printer.local./x", "internal"),
        ("https://intranet/x", "internal"),
        # Names that resolve there.
        ("https://push.evil.example/x", "internal"),
        ("https://PUSH.EVIL.EXAMPLE./x", "internal"),
        ("https://mixed.evil.example/x", "internal"),
        ("https://metadata.evil.example/x", "internal"),
        ("https://v6.evil.example/x", "internal"),
        ("https://mapped.evil.example/x", "internal"),
        ("https://bücher.example/x", "internal"),
        # A name that resolves to nothing.
        ("https://nowhere.example/x", "unreachable"),
    ],
)
def test_a_hostile_endpoint_is_refused(url, reason):
    assert refused(url) == reason


def test_without_production_http_and_other_ports_are_taken_but_not_private_hosts():
    kept = checked_endpoint("http://fcm.googleapis.com:8080/x", production=False)
    assert kept.url == "http://fcm.googleapis.com:8080/x"
    assert refused("http://127.0.0.1:5000/push/x", production=False) == "internal"
    assert refused("http://push.evil.example/x", production=False) == "internal"


def test_the_setting_lets_a_local_fake_push_service_in_but_not_a_malformed_url():
    local = checked_endpoint("http://127.0.0.1:5000/push/x", production=False, allow_private=True)
    assert local.url == "http://127.0.0.1:5000/push/x"
    assert refused("http://u:p@127.0.0.1:5000/x", production=False, allow_private=True) == "url"
    # Production's https rule holds even then.
    assert refused("http://127.0.0.1:5000/x", production=True, allow_private=True) == "https"


def test_production_refuses_to_start_with_private_endpoints_allowed(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUSH_ALLOW_PRIVATE_ENDPOINTS", True)
    problems = problems_in_production(app, environ={}, argv=["gunicorn"])
    assert any("PUSH_ALLOW_PRIVATE_ENDPOINTS" in problem for problem in problems)
    monkeypatch.setitem(app.config, "PUSH_ALLOW_PRIVATE_ENDPOINTS", False)
    problems = problems_in_production(app, environ={}, argv=["gunicorn"])
    assert not any("PUSH_ALLOW_PRIVATE_ENDPOINTS" in problem for problem in problems)
