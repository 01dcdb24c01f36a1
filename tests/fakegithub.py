"""A stateful fake of GitHub's REST issues API, served through ``responses``.

A client written against the real API should work unchanged against it, so
it copies GitHub's observable behaviour: response shapes, status codes,
``Link`` pagination, 422 validation errors, label auto-creation and the
rate-limit headers.  On top it records every request and can inject faults
(server errors, rate limits, dropped connections, writes whose response is
lost) to test a client's retry and idempotency logic.

Usage::

    fake = FakeGitHub()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake.install(rsps)
        ...  # run the client
    assert fake.snapshot() == [...]

Each endpoint gets its own anchored URL regex, so mocks a test adds for other
endpoints never overlap ours (``responses`` pops the first of several matching
mocks, which would silently unregister a catch-all).  A path the fake does not
serve therefore fails loudly with responses' ConnectionError.
"""

from __future__ import annotations

import json
import math
import random
import re
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

import requests
import responses

DOCS_URL = "https://docs.github.com/rest"
FAULT_KINDS = ("500", "502", "503", "secondary", "429", "ratelimit", "drop", "lost")
# Also accepted, not drawn by SeededFaults: "cut", a response cut off mid-body (nothing applied).
EXTRA_FAULTS = ("cut",)
RATE_LIMIT = 5000
DEFAULT_PER_PAGE, MAX_PER_PAGE = 30, 100
MAX_TITLE, MAX_BODY = 256, 65536
MAX_LABEL_NAME, MAX_LABEL_DESCRIPTION = 50, 100
AUTO_LABEL_COLOR = "ededed"  # what GitHub gives labels it creates implicitly
STATE_REASONS = ("completed", "not_planned", "duplicate", "reopened")
SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
)
_HEX_COLOR = re.compile(r"[0-9a-fA-F]{6}")
_SERVER_ERRORS = {"500": "Server Error", "502": "Server Error", "503": "Service Unavailable"}

FaultHook = Callable[[str, str, int], "str | None"]


def iso(moment: datetime) -> str:
    """GitHub's timestamp format: UTC, second precision, trailing ``Z``."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def _unique(items) -> list:
    return list(dict.fromkeys(items))


class ApiError(Exception):
    """Raised by a handler to answer with a GitHub-style error document."""

    def __init__(self, status: int, message: str, errors: list | None = None):
        super().__init__(f"{status} {message}")
        self.status = status
        self.payload = {"message": message, "documentation_url": DOCS_URL, "status": str(status)}
        if errors is not None:
            self.payload["errors"] = errors


def not_found(message: str = "Not Found") -> ApiError:
    return ApiError(404, message)


def invalid(resource: str, field: str, code: str = "invalid", **extra) -> ApiError:
    """A 422 "Validation Failed" with one entry in ``errors``, as GitHub reports it."""
    return ApiError(422, "Validation Failed", [{"resource": resource, "field": field, "code": code, **extra}])


class SeededFaults:
    """A reproducible fault schedule: same seed + same request sequence = same faults.

    Each request draws one number from ``random.Random(seed)``; below ``rate``
    it draws a kind uniformly from ``kinds``.  ``injected`` lists what was
    returned as ``(request_index, method, path, kind)``.
    """

    def __init__(self, seed: int, rate: float = 0.2, kinds=FAULT_KINDS, max_faults: int | None = None):
        unknown = set(kinds) - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds: {sorted(unknown)}")
        self.rng = random.Random(seed)
        self.rate = rate
        self.kinds = tuple(kinds)
        self.max_faults = max_faults
        self.injected: list[tuple[int, str, str, str]] = []

    def __call__(self, method: str, path: str, index: int) -> str | None:
        if self.max_faults is not None and len(self.injected) >= self.max_faults:
            return None
        if self.rng.random() >= self.rate:
            return None
        kind = self.rng.choice(self.kinds)
        self.injected.append((index, method, path, kind))
        return kind


@dataclass
class Call:
    """One request as a handler sees it."""

    method: str
    url: str  # as sent, e.g. with ``:443``
    path: str  # relative to the API root, e.g. ``/repos/acme/notes/issues``
    query: dict[str, str]
    data: Any  # the decoded JSON body, or None
    args: tuple[str, ...]  # the route's regex groups


Reply = tuple[int, Any, dict]  # status, JSON payload (None: no body), extra headers


class FakeGitHub:
    """In-memory GitHub repository exposing the issues, labels and assignees API."""

    def __init__(self, repo="acme/notes", *, api_url="https://api.github.com", login="track-bot",
                 assignable=("alice", "bob"),
                 start=datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)):
        self.repo = repo
        self.api_url = api_url.rstrip("/")
        self.web_url = _web_url(self.api_url)
        self.login = login
        self.assignable = list(assignable)
        self.now = start
        self.issues: dict[int, dict] = {}
        self.labels: dict[str, dict] = {}
        self.comments: dict[int, list[dict]] = {}
        self.requests: list[tuple[str, str, dict]] = []
        self.faults: FaultHook | None = None
        self._ids = {"issue": 1_000_000, "label": 5_000, "comment": 9_000_000}
        self._rate_window = start
        self._rate_used = 0

    # ----- clock, seeding and inspection ---------------------------------

    def advance(self, seconds: float) -> datetime:
        """Move the clock forward; timestamps of later changes use the new time."""
        self.now += timedelta(seconds=seconds)
        return self.now

    def add_issue(self, title, body="", *, labels=(), state="open", assignees=(), user=None,
                  pull_request=False) -> int:
        """Seed an issue (or pull request) directly, without a request; returns its number."""
        number = self._store_issue(title, body, self._ensure_labels(labels), _unique(assignees),
                                   user or self.login, pull_request)
        if state == "closed":
            self._close(self.issues[number], "completed")
        return number

    def snapshot(self) -> list[dict]:
        """A timestamp- and id-free view of every issue, for comparing end states."""
        return [
            {
                "number": rec["number"],
                "title": rec["title"],
                "body": rec["body"],
                "state": rec["state"],
                "state_reason": rec["state_reason"],
                "labels": sorted(rec["labels"]),
                "assignees": sorted(rec["assignees"]),
                "user": rec["user"],
                "comments": [c["body"] for c in self.comments[rec["number"]]],
            }
            for rec in sorted(self.issues.values(), key=lambda r: r["number"])
        ]

    def count(self, method: str | None = None, path_regex: str | None = None) -> int:
        """How many recorded requests match ``method`` and ``re.search(path_regex, path)``."""
        return sum(
            1 for m, path, _ in self.requests
            if (method is None or m == method.upper()) and (path_regex is None or re.search(path_regex, path))
        )

    @property
    def writes(self) -> int:
        return sum(1 for method, _, _ in self.requests if method != "GET")

    def reset_counts(self) -> None:
        self.requests.clear()

    # ----- wiring into responses ------------------------------------------

    def routes(self) -> list[tuple[str, str, Callable[[Call], Reply]]]:
        repo = "/repos/" + re.escape(self.repo)
        return [
            ("GET", "/user", self._get_user),
            ("GET", "/rate_limit", self._get_rate_limit),
            ("GET", repo, self._get_repo),
            ("GET", repo + "/issues", self._list_issues),
            ("POST", repo + "/issues", self._create_issue),
            ("GET", repo + r"/issues/(\d+)", self._get_issue),
            ("PATCH", repo + r"/issues/(\d+)", self._edit_issue),
            ("GET", repo + r"/issues/(\d+)/comments", self._list_comments),
            ("POST", repo + r"/issues/(\d+)/comments", self._create_comment),
            ("PATCH", repo + r"/issues/comments/(\d+)", self._edit_comment),
            ("GET", repo + r"/issues/(\d+)/labels", self._list_issue_labels),
            ("POST", repo + r"/issues/(\d+)/labels", self._add_issue_labels),
            ("PUT", repo + r"/issues/(\d+)/labels", self._set_issue_labels),
            ("DELETE", repo + r"/issues/(\d+)/labels/([^?]+)", self._remove_issue_label),
            ("GET", repo + "/labels", self._list_labels),
            ("POST", repo + "/labels", self._create_label),
            ("GET", repo + r"/labels/([^?]+)", self._get_label),  # names may hold a raw "/"
            ("GET", repo + "/assignees", self._list_assignees),
            ("GET", repo + r"/assignees/([^/?]+)", self._check_assignee),
        ]

    def install(self, rsps: responses.RequestsMock) -> None:
        """Register one callback per endpoint; URLs match with or without the default port.

        Use ``RequestsMock(assert_all_requests_are_fired=False)``: most tests call few endpoints.
        """
        root = _root_regex(self.api_url)
        for method, route, handler in self.routes():
            pattern = re.compile(f"^{root}{route}(?:\\?.*)?$", re.IGNORECASE)
            rsps.add_callback(method, pattern, callback=self._responder(pattern, handler),
                              content_type="application/json; charset=utf-8")

    def _responder(self, pattern: re.Pattern, handler):
        return lambda request: self._dispatch(request, pattern, handler)

    def _dispatch(self, request, pattern: re.Pattern, handler) -> Any:
        """Record the request, apply any fault, run the handler, render the reply."""
        url = urlsplit(request.url)
        path = url.path[len(urlsplit(self.api_url).path):]
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        index = len(self.requests)
        self.requests.append((request.method, path, query))
        fault = self.faults(request.method, path, index) if self.faults else None
        if fault not in (None, *FAULT_KINDS, *EXTRA_FAULTS):
            raise ValueError(f"unknown fault kind {fault!r}")
        if fault == "drop" or (fault == "lost" and request.method == "GET"):
            return _connection_error(fault, request)
        if fault == "cut":
            return requests.exceptions.ChunkedEncodingError(
                f"fake GitHub: response cut off on {request.method} {request.url}")
        if path != "/rate_limit":
            self._spend_rate_limit()
        if fault not in (None, "lost"):
            return self._fault_reply(fault)
        status, payload, headers = self._handle(request, pattern, handler, path, query)
        if fault == "lost":
            return _connection_error(fault, request)
        return self._render(status, payload, headers)

    def _handle(self, request, pattern, handler, path, query) -> Reply:
        try:
            call = Call(request.method, request.url, path, query, _decode_body(request),
                        pattern.match(request.url).groups())
            return handler(call)
        except ApiError as err:
            return err.status, err.payload, {}

    def _render(self, status: int, payload: Any, headers: dict, rate: dict | None = None):
        body = "" if payload is None else json.dumps(payload)
        return status, {**(rate or self._rate_headers()), **headers}, body

    def _fault_reply(self, fault: str):
        if fault in _SERVER_ERRORS:
            return self._render(int(fault), {"message": _SERVER_ERRORS[fault]}, {})
        if fault == "secondary":
            return self._render(403, ApiError(403, SECONDARY_MESSAGE).payload, {"Retry-After": "7"})
        if fault == "429":
            return self._render(429, ApiError(429, "Too Many Requests").payload, {"Retry-After": "3"})
        message = (f"API rate limit exceeded for user ID {_stable_id(self.login)}. If you reach out to "
                   "GitHub Support for help, please include the request ID.")
        exhausted = {**self._rate_headers(), "X-RateLimit-Remaining": "0",
                     "X-RateLimit-Reset": str(int((self.now + timedelta(seconds=30)).timestamp()))}
        return self._render(403, ApiError(403, message).payload, {}, rate=exhausted)

    # ----- rate limit ------------------------------------------------------

    def _spend_rate_limit(self) -> None:
        if self.now >= self._rate_window + timedelta(hours=1):
            self._rate_window, self._rate_used = self.now, 0
        self._rate_used += 1

    def _rate_status(self) -> dict:
        reset = int((self._rate_window + timedelta(hours=1)).timestamp())
        used = min(self._rate_used, RATE_LIMIT)
        return {"limit": RATE_LIMIT, "remaining": RATE_LIMIT - used, "reset": reset, "used": used,
                "resource": "core"}

    def _rate_headers(self) -> dict:
        return {f"X-RateLimit-{key.capitalize()}": str(value) for key, value in self._rate_status().items()}

    # ----- JSON shapes -----------------------------------------------------

    def _repo_api(self) -> str:
        return f"{self.api_url}/repos/{self.repo}"

    def user_json(self, login: str) -> dict:
        return {"login": login, "id": _stable_id(login), "node_id": f"U_{_stable_id(login)}", "type": "User",
                "site_admin": False, "url": f"{self.api_url}/users/{login}",
                "html_url": f"{self.web_url}/{login}"}

    def label_json(self, name: str) -> dict:
        label = self.labels[name]
        return {"id": label["id"], "node_id": f"LA_{label['id']}",
                "url": f"{self._repo_api()}/labels/{quote(name, safe='')}", "name": name,
                "color": label["color"], "default": False, "description": label["description"]}

    def issue_json(self, rec: dict, *, full: bool = False) -> dict:
        """The issue as GitHub renders it; ``full`` adds what only the single-issue GET has."""
        number, url = rec["number"], f"{self._repo_api()}/issues/{rec['number']}"
        kind = "pull" if rec["pull_request"] else "issues"
        doc = {
            "id": rec["id"], "node_id": f"I_{rec['id']}", "url": url,
            "repository_url": self._repo_api(), "labels_url": url + "/labels{/name}",
            "comments_url": url + "/comments", "events_url": url + "/events",
            "html_url": f"{self.web_url}/{self.repo}/{kind}/{number}", "number": number,
            "title": rec["title"], "body": rec["body"], "state": rec["state"],
            "state_reason": rec["state_reason"], "locked": False,
            "user": self.user_json(rec["user"]),
            "labels": [self.label_json(name) for name in rec["labels"]],
            "assignee": self.user_json(rec["assignees"][0]) if rec["assignees"] else None,
            "assignees": [self.user_json(login) for login in rec["assignees"]],
            "milestone": None, "comments": len(self.comments[number]),
            "created_at": iso(rec["created_at"]), "updated_at": iso(rec["updated_at"]),
            "closed_at": iso(rec["closed_at"]) if rec["closed_at"] else None,
            "author_association": "MEMBER",
        }
        if rec["pull_request"]:
            pull = f"{self._repo_api()}/pulls/{number}"
            html = doc["html_url"]
            doc["pull_request"] = {"url": pull, "html_url": html, "diff_url": html + ".diff",
                                   "patch_url": html + ".patch", "merged_at": None}
        if full:
            doc["closed_by"] = self.user_json(rec["closed_by"]) if rec["closed_by"] else None
        return doc

    def comment_json(self, number: int, comment: dict) -> dict:
        return {"id": comment["id"], "node_id": f"IC_{comment['id']}",
                "url": f"{self._repo_api()}/issues/comments/{comment['id']}",
                "html_url": f"{self.web_url}/{self.repo}/issues/{number}#issuecomment-{comment['id']}",
                "issue_url": f"{self._repo_api()}/issues/{number}", "body": comment["body"],
                "user": self.user_json(comment["user"]), "author_association": "MEMBER",
                "created_at": iso(comment["created_at"]), "updated_at": iso(comment["updated_at"])}

    # ----- state changes shared by seeding and handlers --------------------

    def _next_id(self, kind: str) -> int:
        self._ids[kind] += 1
        return self._ids[kind]

    def _store_issue(self, title, body, labels, assignees, user, pull_request) -> int:
        number = max(self.issues, default=0) + 1
        self.issues[number] = {
            "number": number, "id": self._next_id("issue"), "title": title, "body": body,
            "state": "open", "state_reason": None, "labels": list(labels), "assignees": list(assignees),
            "user": user, "pull_request": bool(pull_request), "created_at": self.now,
            "updated_at": self.now, "closed_at": None, "closed_by": None,
        }
        self.comments[number] = []
        return number

    def _close(self, rec: dict, reason: str) -> None:
        rec.update(state="closed", state_reason=reason, closed_at=self.now, closed_by=self.login)

    def _label_named(self, name: str) -> str | None:
        """The stored spelling of a label; GitHub matches label names case-insensitively."""
        return next((existing for existing in self.labels if existing.casefold() == name.casefold()), None)

    def _ensure_labels(self, names) -> list[str]:
        """Canonical names for ``names``, creating missing labels as GitHub does on issue writes."""
        result = []
        for name in names:
            existing = self._label_named(name)
            if existing is None:
                existing = name
                self.labels[name] = {"id": self._next_id("label"), "name": name,
                                     "color": AUTO_LABEL_COLOR, "description": None}
            result.append(existing)
        return _unique(result)

    def _issue(self, number: str | int) -> dict:
        rec = self.issues.get(int(number))
        if rec is None:
            raise not_found()
        return rec

    # ----- validation ------------------------------------------------------

    def _check_title(self, title) -> str:
        if title is None or (isinstance(title, str) and not title.strip()):
            raise invalid("Issue", "title", "missing_field")
        if isinstance(title, int) and not isinstance(title, bool):
            title = str(title)  # GitHub accepts a number as a title
        if not isinstance(title, str) or len(title) > MAX_TITLE:
            raise invalid("Issue", "title", message=f"title is too long (maximum is {MAX_TITLE} characters)")
        return title

    def _check_body(self, body) -> str | None:
        if body is not None and (not isinstance(body, str) or len(body) > MAX_BODY):
            raise invalid("Issue", "body", message=f"body is too long (maximum is {MAX_BODY} characters)")
        return body

    def _check_label_names(self, labels) -> list[str]:
        """Label names from strings or ``{"name": ...}`` objects, validated before anything is created."""
        if labels is None:
            return []
        if not isinstance(labels, list):
            raise invalid("Issue", "labels")
        names = [label.get("name") if isinstance(label, dict) else label for label in labels]
        for name in names:
            if not isinstance(name, str) or not name.strip() or len(name) > MAX_LABEL_NAME:
                raise invalid("Label", "name", value=name)
        return names

    def _check_assignees(self, data: dict) -> list[str] | None:
        """Canonical logins from ``assignees`` (and the deprecated ``assignee``); None if absent."""
        if "assignees" not in data and "assignee" not in data:
            return None
        logins = data.get("assignees") or []
        if not isinstance(logins, list):
            raise invalid("Issue", "assignees")
        if data.get("assignee"):
            logins = [data["assignee"], *logins]
        canonical = {login.casefold(): login for login in self.assignable}
        for login in logins:
            if not isinstance(login, str) or login.casefold() not in canonical:
                raise invalid("Issue", "assignees", value=login)
        return _unique(canonical[login.casefold()] for login in logins)

    def _check_state(self, data: dict) -> tuple[str | None, str | None]:
        state, reason = data.get("state"), data.get("state_reason")
        if state is not None and state not in ("open", "closed"):
            raise invalid("Issue", "state")
        if reason is not None and reason not in STATE_REASONS:
            raise invalid("Issue", "state_reason")
        return state, reason

    # ----- pagination ------------------------------------------------------

    def _paginate(self, call: Call, items: list, render: Callable[[Any], Any] | None = None) -> Reply:
        """One page of ``items`` plus GitHub's ``Link`` header, built on the URL as requested.

        ``render`` turns an item into JSON; only the page's items are rendered,
        so listing thousands of issues page by page stays linear.
        """
        per_page = min(max(_int(call.query.get("per_page"), DEFAULT_PER_PAGE), 1), MAX_PER_PAGE)
        page = max(_int(call.query.get("page"), 1), 1)
        last = max(math.ceil(len(items) / per_page), 1)
        rels = {}
        if page > 1:
            rels["prev"] = page - 1
        if page < last:
            rels.update(next=page + 1, last=last)
        if page > 1:
            rels["first"] = 1
        links = ", ".join(f'<{self._page_url(call, n)}>; rel="{rel}"' for rel, n in rels.items())
        shown = items[(page - 1) * per_page: page * per_page]
        return 200, [render(i) for i in shown] if render else shown, {"Link": links} if links else {}

    def _page_url(self, call: Call, page: int) -> str:
        """The requested URL with ``page`` set, on the canonical API root as GitHub serves it.

        Never echo a ``:443`` the client sent: PyGithub asserts that a ``Link``
        URL has the same port as its base URL (none), and GitHub never adds one.
        """
        pairs = [(k, v) for k, v in parse_qsl(urlsplit(call.url).query, keep_blank_values=True) if k != "page"]
        return f"{self.api_url}{call.path}?{urlencode([*pairs, ('page', str(page))])}"

    # ----- handlers: account and repository --------------------------------

    def _get_user(self, call: Call) -> Reply:
        return 200, self.user_json(self.login), {}

    def _get_rate_limit(self, call: Call) -> Reply:
        core = self._rate_status()
        return 200, {"resources": {"core": core}, "rate": core}, {}

    def _get_repo(self, call: Call) -> Reply:
        owner, name = self.repo.split("/", 1)
        open_count = sum(1 for rec in self.issues.values() if rec["state"] == "open")
        return 200, {
            "id": _stable_id(self.repo), "node_id": f"R_{_stable_id(self.repo)}", "name": name,
            "full_name": self.repo, "owner": self.user_json(owner), "private": False,
            "html_url": f"{self.web_url}/{self.repo}", "url": self._repo_api(), "has_issues": True,
            "open_issues_count": open_count, "default_branch": "main",
            "permissions": {"admin": False, "maintain": False, "push": True, "triage": True, "pull": True},
        }, {}

    # ----- handlers: issues ------------------------------------------------

    def _list_issues(self, call: Call) -> Reply:
        query = call.query
        state = _choice(query, "state", ("open", "closed", "all"))
        sort = _choice(query, "sort", ("created", "updated", "comments"))
        direction = _choice(query, "direction", ("desc", "asc"))
        matches = [rec for rec in self.issues.values()
                   if (state == "all" or rec["state"] == state) and self._matches_filters(rec, query)]
        key = {"created": lambda r: (r["created_at"], r["number"]),
               "updated": lambda r: (r["updated_at"], r["number"]),
               "comments": lambda r: (len(self.comments[r["number"]]), r["number"])}[sort]
        matches.sort(key=key, reverse=direction == "desc")
        return self._paginate(call, matches, self.issue_json)

    def _matches_filters(self, rec: dict, query: dict) -> bool:
        wanted = [name.strip().casefold() for name in query.get("labels", "").split(",") if name.strip()]
        have = {name.casefold() for name in rec["labels"]}
        if not all(name in have for name in wanted):
            return False
        creator = query.get("creator")
        if creator and creator.casefold() != rec["user"].casefold():
            return False
        if "since" in query and rec["updated_at"] < _parse_iso(query["since"]):
            return False
        return _assignee_matches(query.get("assignee"), rec["assignees"])

    def _create_issue(self, call: Call) -> Reply:
        data = _object(call.data)
        title = self._check_title(data.get("title"))
        body = self._check_body(data.get("body"))
        names = self._check_label_names(data.get("labels"))
        assignees = self._check_assignees(data) or []
        number = self._store_issue(title, body, self._ensure_labels(names), assignees, self.login, False)
        return 201, self.issue_json(self.issues[number], full=True), {}

    def _get_issue(self, call: Call) -> Reply:
        return 200, self.issue_json(self._issue(call.args[0]), full=True), {}

    def _edit_issue(self, call: Call) -> Reply:
        """PATCH: validate every field first so a 422 changes nothing, then apply."""
        rec, data = self._issue(call.args[0]), _object(call.data)
        changes = {}
        if "title" in data:
            changes["title"] = self._check_title(data["title"])
        if "body" in data:
            changes["body"] = self._check_body(data["body"])
        if "labels" in data:
            changes["labels"] = self._check_label_names(data["labels"])
        assignees = self._check_assignees(data)
        if assignees is not None:
            changes["assignees"] = assignees
        state, reason = self._check_state(data)
        before = dict(rec)
        if "labels" in changes:
            changes["labels"] = self._ensure_labels(changes["labels"])
        rec.update(changes)
        self._apply_state(rec, state, reason)
        if rec != before:
            rec["updated_at"] = self.now
        return 200, self.issue_json(rec, full=True), {}

    def _apply_state(self, rec: dict, state: str | None, reason: str | None) -> None:
        """GitHub ignores ``state_reason`` unless ``state`` is sent too."""
        if state == "closed" and rec["state"] == "open":
            self._close(rec, reason or "completed")
        elif state == "closed" and reason:
            rec["state_reason"] = reason
        elif state == "open" and rec["state"] == "closed":
            rec.update(state="open", state_reason="reopened", closed_at=None, closed_by=None)

    # ----- handlers: comments ----------------------------------------------

    def _list_comments(self, call: Call) -> Reply:
        number = self._issue(call.args[0])["number"]
        since = _parse_iso(call.query["since"]) if "since" in call.query else None
        shown = [c for c in self.comments[number] if since is None or c["updated_at"] >= since]
        return self._paginate(call, [self.comment_json(number, c) for c in shown])

    def _create_comment(self, call: Call) -> Reply:
        rec, data = self._issue(call.args[0]), _object(call.data)
        body = data.get("body")
        if not isinstance(body, str) or not body.strip():
            raise invalid("IssueComment", "body", "missing_field")
        if len(body) > MAX_BODY:
            raise invalid("IssueComment", "body")
        comment = {"id": self._next_id("comment"), "body": body, "user": self.login,
                   "created_at": self.now, "updated_at": self.now}
        self.comments[rec["number"]].append(comment)
        rec["updated_at"] = self.now
        return 201, self.comment_json(rec["number"], comment), {}

    def _edit_comment(self, call: Call) -> Reply:
        wanted, data = int(call.args[0]), _object(call.data)
        for number, comments in self.comments.items():
            for comment in comments:
                if comment["id"] == wanted:
                    body = data.get("body")
                    if not isinstance(body, str) or not body.strip() or len(body) > MAX_BODY:
                        raise invalid("IssueComment", "body")
                    if body != comment["body"]:
                        comment.update(body=body, updated_at=self.now)
                    return 200, self.comment_json(number, comment), {}
        raise not_found()

    # ----- handlers: labels ------------------------------------------------

    def _list_labels(self, call: Call) -> Reply:
        return self._paginate(call, [self.label_json(name) for name in self.labels])

    def _get_label(self, call: Call) -> Reply:
        name = self._label_named(unquote(call.args[0]))
        if name is None:
            raise not_found()
        return 200, self.label_json(name), {}

    def _create_label(self, call: Call) -> Reply:
        data = _object(call.data)
        name, color = data.get("name"), data.get("color") or AUTO_LABEL_COLOR
        description = data.get("description")
        if not isinstance(name, str) or not name.strip():
            raise invalid("Label", "name", "missing_field")
        if len(name) > MAX_LABEL_NAME:
            raise invalid("Label", "name")
        if not isinstance(color, str) or not _HEX_COLOR.fullmatch(color):
            raise invalid("Label", "color")
        if description is not None and (not isinstance(description, str)
                                        or len(description) > MAX_LABEL_DESCRIPTION):
            raise invalid("Label", "description")
        if self._label_named(name) is not None:
            raise invalid("Label", "name", "already_exists")
        self.labels[name] = {"id": self._next_id("label"), "name": name, "color": color.lower(),
                             "description": description}
        return 201, self.label_json(name), {}

    def _list_issue_labels(self, call: Call) -> Reply:
        rec = self._issue(call.args[0])
        return self._paginate(call, [self.label_json(name) for name in rec["labels"]])

    def _add_issue_labels(self, call: Call, *, replace: bool = False) -> Reply:
        """POST adds, PUT replaces; the body is a list of names or ``{"labels": [...]}``."""
        rec = self._issue(call.args[0])
        data = call.data.get("labels") if isinstance(call.data, dict) else call.data
        names = self._ensure_labels(self._check_label_names(data))
        new = names if replace else _unique(rec["labels"] + names)
        if new != rec["labels"]:
            rec.update(labels=new, updated_at=self.now)
        return 200, [self.label_json(name) for name in rec["labels"]], {}

    def _set_issue_labels(self, call: Call) -> Reply:
        return self._add_issue_labels(call, replace=True)

    def _remove_issue_label(self, call: Call) -> Reply:
        rec = self._issue(call.args[0])
        wanted = unquote(call.args[1]).casefold()
        kept = [name for name in rec["labels"] if name.casefold() != wanted]
        if kept == rec["labels"]:
            raise not_found("Label does not exist")
        rec.update(labels=kept, updated_at=self.now)
        return 200, [self.label_json(name) for name in kept], {}

    # ----- handlers: assignees ---------------------------------------------

    def _list_assignees(self, call: Call) -> Reply:
        return self._paginate(call, [self.user_json(login) for login in self.assignable])

    def _check_assignee(self, call: Call) -> Reply:
        login = unquote(call.args[0]).casefold()
        if not any(candidate.casefold() == login for candidate in self.assignable):
            raise not_found()
        return 204, None, {}


# ----- module helpers --------------------------------------------------------


def _web_url(api_url: str) -> str:
    """``https://api.github.com`` -> ``https://github.com``; GHE ``host/api/v3`` -> ``host``."""
    parts = urlsplit(api_url)
    if parts.netloc.startswith("api."):
        return f"{parts.scheme}://{parts.netloc[4:]}"
    return f"{parts.scheme}://{parts.netloc}{parts.path.removesuffix('/api/v3')}"


def _root_regex(api_url: str) -> str:
    """Regex for the API root, accepting the scheme's default port spelled out (PyGithub adds ``:443``)."""
    parts = urlsplit(api_url)
    port = {"https": "443", "http": "80"}.get(parts.scheme, "")
    host = re.escape(parts.netloc) + (f"(?::{port})?" if port and ":" not in parts.netloc else "")
    return f"{re.escape(parts.scheme)}://{host}{re.escape(parts.path)}"


def _assignee_matches(wanted: str | None, assignees: list[str]) -> bool:
    if not wanted:
        return True
    if wanted == "none":
        return not assignees
    if wanted == "*":
        return bool(assignees)
    return wanted.casefold() in {login.casefold() for login in assignees}


def _choice(query: dict, name: str, allowed: tuple[str, ...]) -> str:
    """A listing parameter restricted to ``allowed``; the first one is GitHub's default."""
    value = query.get(name) or allowed[0]
    if value not in allowed:
        raise invalid("Issue", name)
    return value


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _stable_id(name: str) -> int:
    """A stable id per login or repo name (the same across runs and fakes)."""
    return zlib.crc32(name.casefold().encode()) % 100_000_000


def _decode_body(request) -> Any:
    if not request.body:
        return None
    raw = request.body.decode() if isinstance(request.body, bytes) else request.body
    try:
        return json.loads(raw)
    except ValueError:
        raise ApiError(400, "Problems parsing JSON") from None


def _object(data: Any) -> dict:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ApiError(400, "Problems parsing JSON")
    return data


def _connection_error(fault: str, request) -> requests.exceptions.ConnectionError:
    return requests.exceptions.ConnectionError(
        f"fake GitHub: connection lost ({fault!r} fault) on {request.method} {request.url}")
