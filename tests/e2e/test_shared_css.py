"""Shared CSS: tick boxes beside their text, the current tab marked."""

from pathlib import Path

import pytest

import congvu

pytestmark = pytest.mark.e2e

CSS = (Path(congvu.__file__).resolve().parent / "web/static/congvu/congvu.css").read_text()

# What Django's field template renders for a BooleanField with an error, in both wrappers.
FIELDS = """
<form class="stacked">
  <div class="field field-check" id="with-class">
    <label for="a">Tôi đã kiểm tra chứng thư số này và vẫn đăng ký, dù chữ ký hiện “chưa xác thực”:</label>
    <ul class="errorlist"><li>Đánh dấu ô xác nhận.</li></ul>
    <input type="checkbox" name="a" id="a">
  </div>
  <div class="field" id="plain">
    <label for="b">Vẫn vào sổ dù có thể trùng:</label>
    <input type="checkbox" name="b" id="b">
  </div>
</form>
"""


@pytest.mark.parametrize("wrapper", ["with-class", "plain"])
def test_the_box_is_left_of_its_text(browser, wrapper):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.set_content(f"<style>{CSS}</style><main>{FIELDS}</main>")
    box = page.locator(f"#{wrapper} input[type=checkbox]").bounding_box()
    label = page.locator(f"#{wrapper} label").bounding_box()
    field = page.locator(f"#{wrapper}").bounding_box()
    context.close()
    assert box["x"] - field["x"] < 4  # at the left edge, not centred
    assert box["x"] + box["width"] <= label["x"]  # before the text
    assert box["y"] < label["y"] + label["height"] and label["y"] < box["y"] + box["height"]


def test_the_current_tab_of_a_quick_links_bar_is_marked(browser):
    """Văn bản đi's groups are a .quick-links bar: the open one must stand out."""
    context = browser.new_context()
    page = context.new_page()
    page.set_content(
        f"<style>{CSS}</style><nav class='quick-links'><a href='?tab=a' aria-current='page'>"
        "Đang soạn</a> · <a href='?tab=b'>Chờ ký</a></nav>"
    )
    style = "el => [getComputedStyle(el).fontWeight, getComputedStyle(el).textDecorationLine]"
    current = page.locator("a[aria-current]").evaluate(style)
    other = page.locator("a:not([aria-current])").evaluate(style)
    context.close()
    assert current != other
    assert int(current[0]) >= 700 and "underline" in current[1]
