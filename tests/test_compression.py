"""gzip and headers as a browser sees them, from the real server over a real socket."""
import gzip
import json

import pytest

from conftest import get, post_json

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


@pytest.mark.parametrize("path,content_type", [("/widget.js", "text/javascript"), ("/widget.css", "text/css")])
def test_widget_files_go_gzipped_to_clients_that_take_it_and_still_revalidate(server, path, content_type):
    status, plain, plain_headers = get(server + path)
    assert status == 200 and "Content-Encoding" not in plain_headers
    assert plain_headers["Content-Type"] == f"{content_type}; charset=utf-8"          # one charset
    status, packed, headers = get(server + path, headers=GZIP)
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert headers["Content-Type"] == f"{content_type}; charset=utf-8"
    assert gzip.decompress(packed) == plain and len(packed) < len(plain) / 2
    assert "Accept-Encoding" in headers["Vary"] and "Accept-Encoding" in plain_headers["Vary"]
    assert headers["ETag"] != plain_headers["ETag"]                     # two forms, two validators
    assert headers["Access-Control-Allow-Origin"] == "*" and "max-age=" in headers["Cache-Control"]
    status, body, _ = get(server + path, headers={**GZIP, "If-None-Match": headers["ETag"]})
    assert status == 304 and not body
    status, body, _ = get(server + path, headers={"If-None-Match": plain_headers["ETag"]})
    assert status == 304 and not body
    status, body, _ = get(server + path, headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert status == 200 and body == plain


def test_json_replies_are_gzipped_when_accepted(server):
    question = {"message": "best python course for beginners"}
    status, plain, headers = post_json(server + "/api/chat", question)
    assert status == 200 and "Content-Encoding" not in headers and headers["Content-Type"] == "application/json"
    import urllib.request
    request = urllib.request.Request(server + "/api/chat", data=json.dumps(question).encode(),
                                     headers={"Content-Type": "application/json", **GZIP})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response.headers["Vary"]
        reply = json.loads(gzip.decompress(response.read()))
    assert reply["reply"]["courses"] == plain["reply"]["courses"]


def test_the_demo_page_is_gzipped_when_accepted(server):
    status, page, headers = get(server + "/", headers=GZIP)
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert b'src="/widget.js"' in gzip.decompress(page)
    assert headers["Content-Type"] == "text/html; charset=utf-8"
