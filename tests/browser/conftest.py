"""Shared fixtures of the browser suite (Debian's chromium driven by Playwright).

Every test here carries `@pytest.mark.browser` (added automatically below), so
`pytest -m browser` runs the suite alone and `pytest -m "not browser"` leaves it out.

Without /usr/bin/chromium (install it with `make browser-deps`) the suite skips with a clear
reason; with `REQUIRE_BROWSER=1` in the environment (CI sets it) a missing browser is a failure.
"""

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER", "") not in ("", "0")

# What the machine's closed network needs (without the background-networking flags chromium
# keeps trying to reach Google's hosts) and what running as root in a container needs.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

LOCAL_PREFIXES = ("file://", "data:", "blob:", "about:", "http://127.0.0.1", "ws://127.0.0.1",
                  "http://localhost", "ws://localhost", "chrome-extension://", "devtools://")
NON_LOCAL = re.compile(r"^(?!" + "|".join(re.escape(p) for p in LOCAL_PREFIXES) + ")")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def _missing_reason() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} not found (install it with `make browser-deps`)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is missing (it comes with the test extra: `make test`)"
    return None


@pytest.fixture(scope="session")
def chromium():
    """A headless Chromium with a fresh profile; skip (or fail in CI) when it is missing."""
    reason = _missing_reason()
    if reason:
        if REQUIRE_BROWSER:
            pytest.fail(f"REQUIRE_BROWSER=1 but the browser suite cannot run: {reason}")
        pytest.skip(f"browser suite skipped: {reason}")
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 720})
        try:
            yield context
        finally:
            context.close()
            shutil.rmtree(profile, ignore_errors=True)


class RequestLog:
    """Requests a page tried to make, split into local ones and blocked (non-local) ones."""

    def __init__(self):
        self.local: list[str] = []
        self.blocked: list[str] = []

    def route(self, route):
        url = route.request.url
        if url.startswith(LOCAL_PREFIXES):
            self.local.append(url)
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()


@pytest.fixture
def offline_page(chromium):
    """A new page whose non-local requests are aborted and recorded in `page.requests.blocked`."""
    page = chromium.new_page()
    log = RequestLog()
    # Only non-local URLs go through Python (routing every file:// request through the
    # Playwright driver costs time on decks with hundreds of local files).
    page.route(NON_LOCAL, log.route)
    page.requests = log
    yield page
    page.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where browser tests save screenshots and PDFs (build/browser-artifacts/)."""
    out = Path(os.environ.get("BROWSER_ARTIFACTS", ROOT / "build" / "browser-artifacts"))
    out.mkdir(parents=True, exist_ok=True)
    return out
