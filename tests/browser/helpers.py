"""Walking the pages in a real browser, and checking each with axe-core."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

from tests.journeys import EMERGENCY_SIGNS, page_data

WCAG_21_AA = {"runOnly": {"type": "tag",
                          "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}
AXE = Axe()
DESKTOP = {"width": 1280, "height": 900}  # the viewport of the wide-screen tests
# Small phones, and a 1280x800 desk at 200 % zoom (UX walk 2, finding 3).
SMALL_SCREENS = [{"width": 320, "height": 568}, {"width": 375, "height": 667},
                 {"width": 640, "height": 400}]


class Walker:
    """Fills the pages the way a person would, checking accessibility on every page seen."""

    def __init__(self, page, base: str, axe: bool = True):
        self.page, self.base, self.axe = page, base, axe  # axe needs JavaScript in the page
        self.checked: list[str] = []

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.check()

    def check(self) -> None:
        """axe-core, WCAG 2.1 A and AA: no violations on this page."""
        if not self.axe:
            return
        results = AXE.run(self.page, options=WCAG_21_AA)
        assert results.violations_count == 0, results.generate_report()
        self.checked.append(self.page.url)

    def path(self) -> str:
        return self.page.url.removeprefix(self.base).split("?")[0]

    def fill(self, values: dict) -> None:
        """Answer the questions the page shows (a late history page may show only some of
        its questions: screener/journey/what_matters.py)."""
        for name, value in values.items():
            if not self.page.locator(f"main [name='{name}']").count():
                continue
            if isinstance(value, list):
                for one in value:
                    self.page.check(f"input[name='{name}'][value='{one}']")
            elif self.page.locator(f"input[name='{name}'][type='radio']").count():
                self.page.check(f"input[name='{name}'][value='{value}']")
            elif self.page.locator(f"input[name='{name}'][type='checkbox']").count():
                self.page.check(f"input[name='{name}']")  # a single box ("I don't know")
            elif value:
                self.page.fill(f"[name='{name}']", value)

    def press(self, button: str) -> None:
        """Click a button that submits a form, wait for the next page, and check it."""
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=button).click()
        self.check()

    def continue_(self) -> None:
        self.press("Continue")

    def answer(self, answers: dict) -> None:
        """From the start page to the outcome, answering for `answers` (the API's shape)."""
        self.goto("/")
        self.press("Start now")
        signs = [s for s in answers.get("symptoms", []) if s in EMERGENCY_SIGNS]
        self.fill({"symptoms": signs or ["none"]})
        self.continue_()
        while self.path().startswith("/check/"):
            page_id = self.path().rsplit("/", 1)[1]
            if page_id == "route":
                self.fill({"route": answers["route"]})
            else:
                self.fill(page_data(page_id, answers))
            self.press("Get the result" if page_id == "about" else "Continue")

    def level(self) -> str:
        return self.page.locator(".care-card-level").inner_text().rstrip(":").lower()
