from __future__ import annotations

import pytest
from django.template import Context, Template

from productorg.text import render_markdown


def test_markdown_renders_the_usual_formatting():
    html = render_markdown("**Ship** the _beta_\n\n- one\n- two\n\n[docs](https://example.com)")
    assert "<strong>Ship</strong>" in html and "<em>beta</em>" in html
    assert "<li>one</li>" in html
    assert 'href="https://example.com"' in html


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        '<p onclick="alert(1)">x</p>',
        '<iframe src="https://evil.example"></iframe>',
        '<div style="background:url(javascript:alert(1))">x</div>',
        "[x](JaVaScRiPt:alert(1))",
    ],
)
def test_scripts_handlers_and_javascript_links_render_inert(hostile):
    html = str(render_markdown(hostile)).lower()
    for danger in ["<script", "onerror", "onclick", "javascript:", "<iframe", "style="]:
        assert danger not in html


def test_the_filter_is_available_in_every_template_without_loading():
    rendered = Template("{{ text|markdown }}").render(Context({"text": "*hi*"}))
    assert "<em>hi</em>" in rendered
