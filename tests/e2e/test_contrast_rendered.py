"""WCAG AA contrast measured on rendered pages in Chromium (issue 11: a home button at 2.19:1).

The colour pairs of congvu.css pass on their own (tests/web/test_contrast.py), but the
cascade can still pair them wrongly: ``.card a`` gave the "Đăng ký tài khoản"
button of the portal's home dark text on the dark red button. This walks every
visible element with text and measures the colours the browser computed.
"""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MEASURE = """() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const failures = [];
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!own || box.width === 0 || box.right < 0 || style.visibility === 'hidden') continue;
    const fg = lum(rgb(style.color)), bg = lum(background(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const minimum = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < minimum) {
      failures.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 40)}" ${ratio.toFixed(2)}:1`);
    }
  }
  return failures;
}"""


def contrast_failures(pg, path):
    pg.goto(path)
    return pg.evaluate(MEASURE)


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/trang-khong-co/"])
def test_portal_pages(page, path):
    assert contrast_failures(page, path) == []


def test_officials_home(page, actor_factory, client, live_server):
    official = actor_factory("clerk", full_name="Trần Thị Văn Thư")
    client.force_login(official)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    assert contrast_failures(page, "/app/") == []
    assert contrast_failures(page, "/app/tim-kiem/?q=ke+hoach") == []
