"""Every page a visitor or a member can reach, found from the URLconf and the pages' own links,
and the checks run on each: axe-core's WCAG 2.0/2.1/2.2 A and AA rules, reflow at 320 px and
at 200 % zoom, and page weight (shared by tests/e2e/test_accessibility.py and bench/).

The walk starts from every URL pattern that reverses without arguments (and the service menu);
a pattern with arguments is filled from the first link to it that a visited page shows (a
statement's month, a certificate, a column …). A pattern no page links to must be named in
`NOT_A_PAGE` or `LEFT_OUT` with its reason, so a page added later is checked or named.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from axe_playwright_python.sync_playwright import Axe
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import NoReverseMatch, Resolver404
from playwright.sync_api import Error as PlaywrightError

# The phone and desktop sizes of the issue; reflow is checked at 320 px and at 200 % zoom of a
# 1280 px window (640 CSS px).
SIZES = {"phone": (390, 844), "desktop": (1280, 900)}
REFLOW_WIDTHS = {"320px": (320, 640), "zoom200": (640, 450)}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Rules disabled, each with its reason (none today).
AXE_DISABLED: dict[str, str] = {}
WEIGHT_BUDGET = 100 * 1024  # HTML + CSS + JS, gzip-compressed, per page

# Named URL patterns that are not pages (JSON, files, POST-only actions, redirects).
NOT_A_PAGE = {
    "branding_css": "the union's colours as CSS (counted in each page's weight)",
    "healthz": "the load balancer's health check (plain text)",
    "media": "public media files (pictures: logos, club images, profile images)",
    "document_status_json": "JSON polled by the document page",
    "document_download": "the generated PDF file itself",
    "document_retry": "POST only (the 再作成 button of the document page)",
    "accounts:keepalive": "POST only (the idle warning's 「ログインを続ける」)",
    "mfa:passkey_register_options": "JSON for the passkey ceremony",
    "mfa:passkey_register": "POST only (the passkey ceremony)",
    "mfa:passkey_authenticate_options": "JSON for the passkey ceremony",
    "medical:statement_pdf": "POST only (the 「…(PDF)」 button)",
    "medical:etax_xml": "a file download",
    "medical:etax_csv": "a file download",
    "medical:etax_xlsx": "a file download",
    "benefits:notice_pdf": "POST only (the 「…(PDF)」 button)",
    "checkup:table_pdf": "POST only (the 「…(PDF)」 button)",
    "dependents:documents_pdf": "a file download",
    "dependents:upload_file": "an uploaded file shown back to its member",
    "dependents:pledge": "POST only (the 誓約 of the survey's start)",
    "eligibility:notice_retry": "POST only (the 再作成 button)",
    "wellness:missions_scratch_cell": "POST only (a cell of 歩いてスクラッチ)",
    "wellness:missions_roulette": "POST only (the bingo's roulette)",
    "account_signup": "redirects to the login (no self sign-up)",
    "account_email": "redirects to the profile's e-mail change",
    "account_set_password": "redirects to the password change",
    "account_change_password": "redirects to the password change",
}
# Pages deliberately left out of the walk, with the reason.
LEFT_OUT = {
    "wellness:records_delete": "POST only (deleting a record)",
    "wellness:club_favourite": "POST only (the ♡ of an article)",
    "wellness:records_import_status": "an import's progress, linked once a file was imported",
    "eligibility:address_change": "on the back of a 資格確認書 shown today: the walk opens one "
    "certificate; tests/e2e/test_eligibility.py walks it",
    "eligibility:organ_donation": "on the back of a 資格確認書 shown today (as 住所変更)",
    "dependents:questions": "a dependent's questions, after the basic step (a POST): "
    "tests/e2e/test_dependents.py walks them",
    "dependents:answers": "the survey's answers, after its questions (POST steps): "
    "tests/e2e/test_dependents.py walks them",
    "dependents:upload": "after the survey's questions (as dependents:answers)",
    "dependents:submit": "after the survey's uploads (as dependents:answers)",
    "wellness:challenges_record": "the day's ○/× of a running challenge's calendar: "
    "tests/e2e/test_wellness_challenges.py walks it",
    **dict.fromkeys(
        [
            "wellness:points_shipping",
            "wellness:points_cancel",
            "wellness:points_hold_cancel",
            "wellness:diary_pending_image",
            "wellness:diary_unblock",
            "wellness:diary_image",
            "wellness:walking_entry_info",
            "wellness:walking_team_new",
            "wellness:walking_team_join",
            "wellness:walking_team",
            "wellness:walking_team_leave",
            "wellness:walking_map",
            "wellness:walking_stamps",
            "wellness:walking_stamp_send",
        ],
        "added (issues 22, 23) while issue 20 was finished: opened after a member's own step "
        "(an exchange, a posted picture, an event entry) that the walk does not take yet",
    ),
    "account_confirm_email": "the link in the confirmation mail: checked in the first-login walk",
    "account_reset_password_from_key": "the link in the reset mail: checked signed out",
    "account_reset_password_from_key_done": "shown after a reset: checked signed out",
    "account_confirm_login_code": "the code step of a login with a passwordless code (off here)",
    "account_inactive": "shown only to a deactivated account",
    "account_reauthenticate": "allauth's own; members reauthenticate at mfa:reauthenticate",
    "account_request_reauthentication_code": "allauth's own reauthentication (not used)",
    "account_confirm_reauthentication_code": "allauth's own reauthentication (not used)",
    "account_email_verification_sent": "allauth's own notice (the first login shows its own)",
    "mfa:delete": "confirming a device's removal, reached by POST from ログイン方法変更",
    "dependents:upload_delete": "POST only (deleting an uploaded file)",
}


@dataclass
class Finding:
    url: str
    size: str
    problem: str


@dataclass
class Walk:
    """What a walk saw: the pages checked, their weights, and every problem found."""

    checked: list[str] = field(default_factory=list)
    weights: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    reached_names: set[str] = field(default_factory=set)
    # URL names that pages post their forms to (an action, not a page to open).
    form_targets: set[str] = field(default_factory=set)
    # URL names that pages post their forms to (an action, not a page to open).
    form_targets: set[str] = field(default_factory=set)


def url_patterns(patterns=None, prefix="", namespace=""):
    """(route, URL name, has arguments) for every pattern of the URLconf."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            has_arguments = bool(pattern.pattern.regex.groups)
            yield prefix + str(pattern.pattern), name, has_arguments


def names_with_arguments() -> list[str]:
    """The named patterns outside the admin that need arguments (filled from links)."""
    return [
        name
        for route, name, has_arguments in url_patterns()
        if has_arguments and not route.startswith("admin/")
    ]


def starting_urls() -> list[str]:
    """The member-side pages that reverse without arguments."""
    urls = []
    for route, name, has_arguments in url_patterns():
        if route.startswith("admin/") or has_arguments or name in NOT_A_PAGE:
            continue
        if name in LEFT_OUT:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        if url not in urls:
            urls.append(url)
    return urls


def url_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name if match.url_name else None


# The page's overflow, ignoring data tables (inside their own scrolling region), and text
# clipped by a box too small for it (the visually hidden helpers are 1 px on purpose).
REFLOW = """() => {
  const root = document.scrollingElement;
  const problems = [];
  if (root.scrollWidth > root.clientWidth) {
    problems.push(`page scrolls sideways: ${root.scrollWidth} > ${root.clientWidth}`);
    for (const el of document.body.querySelectorAll("*")) {
      const box = el.getBoundingClientRect();
      if (box.right > root.clientWidth + 1 && box.width > 0 && !el.closest("table")) {
        problems.push(`  wider: <${el.tagName.toLowerCase()} class="${el.className}">`);
        if (problems.length > 6) break;
      }
    }
  }
  for (const el of document.body.querySelectorAll("*")) {
    const style = getComputedStyle(el);
    if (!["hidden", "clip"].includes(style.overflowX) || el.clientWidth <= 1) continue;
    if (el.closest("table") || !el.textContent.trim()) continue;
    if (el.scrollWidth > el.clientWidth + 1) {
      problems.push(`text cut: <${el.tagName.toLowerCase()} class="${el.className}">`);
    }
  }
  return problems;
}"""


# Controls in the accessibility tree (Playwright's ARIA snapshot): each has a name in
# Japanese, or one that is a number, a date, a phone number or one of the product's proper names.
CONTROL = re.compile(
    r"^\s*- (link|button|textbox|combobox|checkbox|radio|spinbutton|searchbox|switch|slider"
    r'|tab|menuitem|listbox)(?: "(?P<name>(?:[^"\\]|\\.)*)")?(?:\s|:|$)',
    re.MULTILINE,
)
# Japanese script, and the ○ and × marks of the manual (read まる, ばつ).
JAPANESE = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef○×]")
NOT_WORDS = re.compile(r"^[\d\s\-/:.,¥%()+＋]+$")
# Abbreviations Japanese screen readers spell out as the manual writes them (BMI, eGFR, HbA1c,
# the breadcrumb's TOP), and the product's names.
ABBREVIATION = re.compile(r"^[A-Za-zγ][A-Za-z0-9γ-]{1,5}$")
PROPER_NAMES = {"KOSMO Web", "MY HEALTH CLUB", "e-Tax"}


def unnamed_controls(snapshot: str) -> list[str]:
    """Controls of an ARIA snapshot without a Japanese accessible name."""
    problems = []
    for match in CONTROL.finditer(snapshot):
        role, name = match.group(1), (match.group("name") or "").strip()
        if not name:
            problems.append(f"{role} without a name")
        elif not (
            JAPANESE.search(name)
            or NOT_WORDS.match(name)
            or ABBREVIATION.match(name)
            or name in PROPER_NAMES
        ):
            problems.append(f"{role} 「{name}」 has no Japanese name")
    return problems


class Walker:
    """Walks pages in one browser page, resizing it for each check."""

    def __init__(self, page, walk: Walk, *, axe: bool = True, reflow: bool = True):
        self.page = page
        self.walk = walk
        self.axe = axe
        self.reflow = reflow
        if axe:
            # axe-core is added to every document the page loads (before the page's own
            # scripts; not a network request, so it does not count in the weight).
            page.context.add_init_script(script=Axe().axe_script)
        self.origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.base_url))
        self.visited: set[str] = set()
        self.variants: set[tuple[str, frozenset]] = set()
        self.responses: list = []
        self.weight_cache: dict[str, int] = {}
        page.on("response", lambda response: self.responses.append(response))

    def crawl(self, start: list[str], *, stay_under: tuple[str, ...] = ("",)) -> None:
        """Visits `start`, then the first link to each not yet reached pattern with arguments."""
        queue = list(start)
        while queue:
            path = queue.pop(0)
            links = self.check(path)
            for link in links:
                name = url_name(link)
                if name is None or name in NOT_A_PAGE or name in LEFT_OUT:
                    continue
                # One page per URL name and set of query keys (a certificate's ?side=back
                # shows other links than its front; the twelve months are one template).
                variant = (name, frozenset(parse_qs(urlsplit(link).query)))
                if variant in self.variants or not link.startswith(stay_under):
                    continue
                if link not in queue and link not in self.visited:
                    queue.append(link)
                    self.variants.add(variant)
                    self.walk.reached_names.add(name)

    def again(self, start: list[str]) -> None:
        """Crawls from `start` once more (after a step that changed what the pages show)."""
        self.visited.difference_update(start)
        self.crawl(start)

    def check(self, path: str) -> list[str]:
        """Checks the page at `path`; returns the same-origin links it shows. A page whose
        own script navigates meanwhile (a status page reloading when its job is done) is
        checked again once it has loaded."""
        try:
            return self.check_once(path)
        except PlaywrightError as error:
            if "destroyed" not in error.message and "interrupted" not in error.message:
                raise
            self.page.wait_for_load_state()
            self.visited.discard(path)
            return self.check_once(path)

    def check_once(self, path: str) -> list[str]:
        if path in self.visited:
            return []
        self.visited.add(path)
        self.responses.clear()
        self.page.set_viewport_size(dict(zip(("width", "height"), SIZES["phone"], strict=True)))
        try:
            response = self.goto(path)
        except PlaywrightError as error:  # an empty 405, a download …
            if self.page.evaluate("location.origin") != self.origin:  # Chromium's error page
                self.page.goto(self.origin + "/")
            status = self.page.evaluate(STATUS, self.origin + path)
            if status == 405:
                self.walk.skipped[path] = "POST only (405 to a GET)"
            else:
                problem = f"not a page ({status}): {error.message[:80]}"
                self.walk.findings.append(Finding(path, "-", problem))
            return []
        final = urlsplit(self.page.url).path
        name = url_name(final)
        if name:
            self.walk.reached_names.add(name)
        if final != path and final in self.visited:
            return []  # redirected to a page already checked
        self.visited.add(final)
        content_type = response.headers.get("content-type", "") if response else ""
        if not content_type.startswith("text/html"):
            self.walk.skipped[path] = f"not a page ({content_type or 'no response'})"
            return []
        self.check_here()
        for action in self.page.eval_on_selector_all(
            "form[method=post i]", "(forms) => forms.map((form) => new URL(form.action).pathname)"
        ):
            name = url_name(action)
            if name:
                self.walk.form_targets.add(name)
        for action in self.page.eval_on_selector_all(
            "form[method=post i]", "(forms) => forms.map((form) => new URL(form.action).pathname)"
        ):
            name = url_name(action)
            if name:
                self.walk.form_targets.add(name)
        return self.page.eval_on_selector_all(
            "a[href]", "(links) => links.map((a) => a.pathname + a.search)"
        )

    def goto(self, path: str):
        """Opens `path`; once more if a script of the page before started a navigation of its
        own meanwhile (a status page's reload)."""
        try:
            return self.page.goto(self.origin + path)
        except PlaywrightError as error:
            if "interrupted by another navigation" not in error.message:
                raise
            return self.page.goto(self.origin + path)

    def check_here(self, label: str | None = None) -> None:
        """Runs every check on the page as it is now (also used mid-flow)."""
        url = label or urlsplit(self.page.url).path
        self.walk.checked.append(url)
        self.weigh(url)
        for size, (width, height) in SIZES.items() if self.axe else ():
            self.page.set_viewport_size({"width": width, "height": height})
            self.axe_check(url, size)
        if self.axe:
            snapshot = self.page.locator("body").aria_snapshot()
            for problem in unnamed_controls(snapshot):
                self.walk.findings.append(Finding(url, "names", problem))
        if self.reflow:
            for size, (width, height) in REFLOW_WIDTHS.items():
                self.page.set_viewport_size({"width": width, "height": height})
                for problem in self.page.evaluate(REFLOW):
                    self.walk.findings.append(Finding(url, size, problem))
        self.page.set_viewport_size(dict(zip(("width", "height"), SIZES["phone"], strict=True)))

    def axe_check(self, url: str, size: str) -> None:
        options = {
            "runOnly": {"type": "tag", "values": AXE_TAGS},
            "rules": {rule: {"enabled": False} for rule in AXE_DISABLED},
            "resultTypes": ["violations"],
        }
        results = self.page.evaluate("(options) => axe.run(document, options)", options)
        for violation in results["violations"]:
            for node in violation["nodes"]:
                self.walk.findings.append(
                    Finding(
                        url,
                        size,
                        f"{violation['id']}: {node['target']} {node['failureSummary'][:300]}",
                    )
                )

    def weigh(self, url: str) -> None:
        """HTML + CSS + JS of the page, each gzip-compressed; any other origin is a finding."""
        total = 0
        documents = [r for r in self.responses if r.request.resource_type == "document"]
        shown = [r for r in documents if r.ok][-1:]
        for response in self.responses:
            address = response.url
            if not address.startswith(self.origin) and not address.startswith("data:"):
                problem = f"request to another origin: {address}"
                self.walk.findings.append(Finding(url, "-", problem))
                continue
            kind = response.request.resource_type
            if kind not in ("stylesheet", "script") and response not in shown:
                continue
            if address in self.weight_cache:
                total += self.weight_cache[address]
                continue
            size = len(gzip.compress(self.body(response)))
            if "/static/" in address:
                self.weight_cache[address] = size
            total += size
        self.responses.clear()
        self.walk.weights[url] = total
        if total > WEIGHT_BUDGET:
            self.walk.findings.append(
                Finding(url, "-", f"weighs {total / 1024:.1f} KB compressed (budget 100 KB)")
            )

    def body(self, response) -> bytes:
        """The response's bytes; once the browser has let them go (an earlier page of a
        flow), fetched again from the page, which knows the demo hosts' names."""
        try:
            return response.body()
        except PlaywrightError:
            return self.page.evaluate(FETCH, response.url).encode()


STATUS = """(url) => fetch(url, {credentials: "same-origin", redirect: "manual"})
  .then((response) => response.status, () => null)"""
FETCH = "async (url) => (await fetch(url, {credentials: 'same-origin'})).text()"


def report(walk: Walk) -> str:
    lines = [f"{f.url} [{f.size}] {f.problem}" for f in walk.findings]
    return "\n".join(lines)


def heaviest(walk: Walk, count: int = 5) -> list[tuple[str, int]]:
    return sorted(walk.weights.items(), key=lambda item: item[1], reverse=True)[:count]
