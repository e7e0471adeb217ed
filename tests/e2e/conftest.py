"""Playwright driving Debian's Chromium (never `playwright install`)."""

import os
import shutil

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        pytest.fail(
            "Chromium is missing: `make test` installs Debian's chromium (deps/debian-test-packages.txt)."
        )
    return path


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API runs an event loop; Django refuses ORM calls from
    # inside one unless told the test code is synchronous on purpose.
    # Module scope, not session: while the browser lives, that loop runs in
    # the worker's thread, and any later test on the same xdist worker that
    # signs a PDF (pyHanko calls asyncio.run) would fail with "asyncio.run()
    # cannot be called from a running event loop".
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="vi-VN", base_url=live_server.url)
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()
