"""A confirmation tick box sits at the left of its text, on the same line (shared CSS)."""

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
