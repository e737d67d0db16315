"""Every asset a page needs comes from this server: ProductOrg works offline."""

from __future__ import annotations

import re

import pytest


def test_every_script_and_stylesheet_of_the_layout_is_served_locally(client_for, org):
    page = client_for(org.pia).get("/").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', page)
    assert len(assets) >= 3
    for asset in assets:
        assert asset.startswith("/static/"), f"{asset} is not served by ProductOrg"
        response = client_for(org.pia).get(asset)
        assert response.status_code == 200, asset
        assert b"".join(response.streaming_content), asset


@pytest.mark.parametrize("url", ["/accounts/login/"])
def test_the_login_page_loads_nothing_from_elsewhere(client, db, url):
    page = client.get(url).content.decode()
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page)
