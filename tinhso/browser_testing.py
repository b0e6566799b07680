"""Browser tests: Playwright (Python) driving Debian's ``chromium`` against pytest-django's live
server, with axe-core on every page checked and screenshots at 360 px and 1280 px.

Loaded by the root ``conftest.py``. A test asks for ``browser_session`` (a factory) and drives a
:class:`Visitor`::

    def test_citizen_finds_a_procedure(browser_session, citizen):
        visitor = browser_session("citizen")
        visitor.sign_in(citizen.username)
        visitor.goto("/thu-tuc/?q=dang ky khai sinh")
        visitor.check("search-results")          # axe + page weight + screenshots
        visitor.page.get_by_role("link", name="Đăng ký khai sinh").click()

``check(name)`` fails the test on any serious or critical axe violation, on a page heavier than
200 KB without images, and saves ``test-artifacts/screenshots/<test>/<NN>-<name>-{360,1280}.png``
(directory overridable with ``TINHSO_SCREENSHOTS_DIR``). See docs/ui.md.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

PASSWORD = "Mat-khau-thu-nghiem-2026"  # noqa: S105 (the test personas)
MAX_PAGE_BYTES = 200 * 1024
FAILING_IMPACTS = {"serious", "critical"}
NARROW = {"width": 360, "height": 780}
WIDE = {"width": 1280, "height": 900}
REPO = Path(__file__).resolve().parents[1]


def chromium_path() -> str:
    path = (
        os.environ.get("TINHSO_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    if not path:
        pytest.fail(
            "Chưa cài Chromium cho các bài kiểm thử trình duyệt / Chromium is missing: "
            "sudo apt-get install -y chromium (make test cài tự động khi chạy bằng root)."
        )
    return path


def screenshots_root() -> Path:
    configured = os.environ.get("TINHSO_SCREENSHOTS_DIR")
    return Path(configured) if configured else REPO / "test-artifacts" / "screenshots"


class Visitor:
    """One person in one browser context (cookies of their own)."""

    def __init__(self, context: Any, base_url: str, folder: Path, name: str) -> None:
        self.context = context
        self.page = context.new_page()
        self.base_url = base_url.rstrip("/")
        self.folder = folder
        self.name = name
        self.shots = 0

    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.base_url}{path}"

    def goto(self, path: str) -> Any:
        return self.page.goto(self.url(path))

    def sign_in(self, username: str, password: str = PASSWORD) -> None:
        self.goto("/dang-nhap/")
        self.page.get_by_label("Tên đăng nhập").fill(username)
        self.page.get_by_label("Mật khẩu").fill(password)
        self.page.get_by_role("button", name="Đăng nhập").click()
        self.page.wait_for_load_state()

    def page_weight(self) -> int:
        """Bytes of the document, style sheets and scripts of the current page (no images)."""
        return int(
            self.page.evaluate(
                """() => {
                  const entries = [...performance.getEntriesByType('navigation'),
                                   ...performance.getEntriesByType('resource')];
                  return entries
                    .filter(e => !['img', 'image', 'icon'].includes(e.initiatorType)
                                 && !/\\.(png|jpe?g|gif|svg|webp|ico)(\\?|$)/.test(e.name))
                    .reduce((sum, e) => sum + (e.decodedBodySize || e.transferSize || 0), 0);
                }"""
            )
        )

    def axe_violations(self) -> list[dict[str, Any]]:
        from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]

        result = Axe().run(self.page)
        return [v for v in result.response["violations"] if v.get("impact") in FAILING_IMPACTS]

    def screenshot(self, name: str) -> list[Path]:
        self.shots += 1
        slug = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-") or "page"
        self.folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for size in (NARROW, WIDE):
            self.page.set_viewport_size(size)
            path = self.folder / f"{self.name}-{self.shots:02d}-{slug}-{size['width']}.png"
            self.page.screenshot(path=str(path), full_page=True)
            paths.append(path)
        self.page.set_viewport_size(WIDE)
        return paths

    def check(self, name: str) -> None:
        """The quality gate of one page: axe (serious/critical fail), weight, a title and an h1,
        then screenshots at both widths."""
        self.page.wait_for_load_state()
        problems = []
        for violation in self.axe_violations():
            targets = [", ".join(node["target"]) for node in violation["nodes"]][:5]
            problems.append(
                f"axe {violation['impact']} {violation['id']}: {violation['help']} {targets}"
            )
        weight = self.page_weight()
        if weight > MAX_PAGE_BYTES:
            problems.append(f"page weighs {weight} bytes without images (limit {MAX_PAGE_BYTES})")
        if not self.page.title().strip():
            problems.append("page has no <title>")
        if self.page.locator("h1").count() != 1:
            problems.append("page must have exactly one <h1>")
        self.screenshot(name)
        assert not problems, f"{name} ({self.page.url}):\n" + "\n".join(problems)


@pytest.fixture(scope="module")
def _playwright_browser() -> Iterator[Any]:
    # Playwright's sync API runs an event loop in this thread; Django's ORM, called by the test
    # body between page actions, must be allowed to run here (the live server has its own thread).
    # One browser per test module, not per session: the loop stops when the module is done, so
    # later tests that call asyncio.run() (tinhso/bench) still can.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=args)
        yield browser
        browser.close()


@pytest.fixture
def browser_session(
    _playwright_browser: Any, live_server: Any, request: pytest.FixtureRequest
) -> Iterator[Callable[[str], Visitor]]:
    """Factory of visitors; each has its own cookies. Contexts are closed after the test."""
    contexts: list[Any] = []
    test_name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.nodeid.split("::", 1)[-1])
    module = Path(request.node.path).stem
    folder = screenshots_root() / f"{module}--{test_name}"

    def open_session(name: str = "visitor") -> Visitor:
        context = _playwright_browser.new_context(
            viewport=WIDE, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", accept_downloads=True
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return Visitor(context, live_server.url, folder, name)

    yield open_session
    for context in contexts:
        context.close()
