"""The GitHub side, behind one small adapter: listings, writes, retries and pacing.

Built on PyGithub for authentication (token or GitHub App), the API base
(GitHub Enterprise works unchanged) and error decoding, but it makes its own
REST calls through PyGithub's requester, for two reasons:

- PyGithub's issue objects fetch themselves again when an attribute the
  listing did not carry is read (`pull_request` on a plain issue, for one),
  which would cost a request per issue; and
- the retry policy has to differ by request: a create whose response was
  lost must never be retried blindly (it may exist already), PATCH must be
  retried, and waits for rate limits need a cap. So PyGithub's own retries
  and throttling are turned off and this module does both, serially.

Writes are spaced ``write_interval`` seconds apart. The token is never part
of a message, a log line or an exception raised from here.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator
from urllib.parse import quote

from .plan import Tracked
from .render import read_mark

if TYPE_CHECKING:
    from github import Auth, Github, GithubException

DEFAULT_API = "https://api.github.com"
DEFAULT_SERVER = "https://github.com"
PAGE = 100
RECENT = 100  # newest issues searched for a create whose response was lost


def _transient() -> tuple[type[Exception], ...]:
    """Dropped or cut-off connections: worth another try.

    requests and PyGithub are imported where they are used, not at module
    level: every `track` command imports this module, and `track scan` must
    not pay their start-up (about 0.15 s).
    """
    import requests

    return requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError


class GitHubError(Exception):
    """A request that failed for good, phrased as one line (never with the token)."""


class AuthError(GitHubError):
    pass


MAX_WAIT = 300.0  # total seconds one run may spend waiting on retries and rate limits
ATTEMPTS = 6  # tries per request, the first included


@dataclass
class RetryPolicy:
    attempts: int = field(default_factory=lambda: ATTEMPTS)
    backoff: float = 2.0  # seconds before the first retry; doubles each time
    max_backoff: float = 60.0
    max_wait: float = field(default_factory=lambda: MAX_WAIT)


@dataclass
class Pacing:
    write_interval: float = 3.0
    sleep: Callable[[float], None] = field(default=lambda seconds: time.sleep(seconds))
    clock: Callable[[], float] = field(default=lambda: time.monotonic())
    waited: float = 0.0  # seconds spent waiting on retries and rate limits so far
    _last_write: float | None = field(default=None, repr=False)

    def before_write(self) -> None:
        if self._last_write is not None and self.write_interval > 0:
            gap = self.write_interval - (self.clock() - self._last_write)
            if gap > 0:
                self.sleep(gap)
        self._last_write = self.clock()


def endpoints(env: dict[str, str] | None = None) -> tuple[str, str]:
    """The API base and the web base, from the Actions variables when set."""
    env = os.environ if env is None else env
    api = (env.get("GITHUB_API_URL") or DEFAULT_API).rstrip("/")
    server = (env.get("GITHUB_SERVER_URL") or DEFAULT_SERVER).rstrip("/")
    return api, server


def auth_from_env(env: dict[str, str] | None = None) -> Auth.Auth:
    """A token from GITHUB_TOKEN or GH_TOKEN, or a GitHub App installation."""
    from github import Auth

    env = os.environ if env is None else env
    token = (env.get("GITHUB_TOKEN") or env.get("GH_TOKEN") or "").strip()
    if token:
        if any(c.isspace() or ord(c) < 32 for c in token):
            raise AuthError("GITHUB_TOKEN (or GH_TOKEN) holds a space or a line break: set it to the token alone")
        return Auth.Token(token)
    app_id, key_file, installation = (env.get(k) for k in ("TRACK_APP_ID", "TRACK_APP_PRIVATE_KEY_FILE",
                                                               "TRACK_APP_INSTALLATION_ID"))
    if app_id and key_file and installation:
        try:
            key = Path(key_file).read_text(encoding="utf-8")
        except OSError as exc:
            raise AuthError(f"TRACK_APP_PRIVATE_KEY_FILE: cannot read {key_file}: {exc.strerror or exc}") from None
        if not installation.isdigit():
            raise AuthError("TRACK_APP_INSTALLATION_ID: expected a number")
        app = Auth.AppAuth(app_id, key)
        try:
            app.create_jwt()  # the key is otherwise first read on the first request
        except Exception:  # noqa: BLE001 - jwt and cryptography raise several kinds
            raise AuthError(f"TRACK_APP_PRIVATE_KEY_FILE: {key_file} is not a PEM private key of the App") from None
        return app.get_installation_auth(int(installation))
    raise AuthError(
        "no credentials: set GITHUB_TOKEN (or GH_TOKEN), or TRACK_APP_ID, TRACK_APP_PRIVATE_KEY_FILE and "
        "TRACK_APP_INSTALLATION_ID for a GitHub App"
    )


def connect(repo: str, pacing: Pacing, policy: RetryPolicy | None = None,
            env: dict[str, str] | None = None) -> "GitHubIssues":
    api, server = endpoints(env)
    from github import Github

    client = Github(
        auth=auth_from_env(env), base_url=api, retry=None, per_page=PAGE, lazy=True,
        seconds_between_requests=None, seconds_between_writes=None, timeout=30,
    )
    return GitHubIssues(client, repo, pacing, policy or RetryPolicy(), web=server)


class GitHubIssues:
    """The few issue operations sync needs, on one repository."""

    def __init__(self, client: Github, repo: str, pacing: Pacing, policy: RetryPolicy,
                 web: str = DEFAULT_SERVER) -> None:
        self.requester = client.requester
        self.repo = repo
        self.web = web  # the web base, for links
        self.base = f"/repos/{repo}"
        self.pacing = pacing
        self.policy = policy
        self._login: str | None | bool = False  # False: not asked yet; None: could not tell
        self._assignable: dict[str, bool] = {}
        self.warnings: list[str] = []

    # --- reading ---

    def tracked(self, base_label: str) -> list[Tracked]:
        """Every issue with the base label and track's state in its body, open or closed."""
        params = {"state": "all", "labels": base_label, "per_page": PAGE, "sort": "created", "direction": "asc"}
        return [t for t in (_tracked(raw, True) for raw in self._list(f"{self.base}/issues", params)) if t]

    def marked_elsewhere(self, base_label: str) -> list[Tracked]:
        """track's issues that lost the base label: a person detached them.

        Looked for among the issues this account opened (one listing), or
        among all issues when the account's login cannot be read (as with
        the Actions token).
        """
        params = {"state": "all", "per_page": PAGE, "sort": "created", "direction": "asc"}
        login = self.login()
        if login:
            params["creator"] = login
        out = []
        for raw in self._list(f"{self.base}/issues", params):
            if base_label.casefold() not in {name.casefold() for name in _label_names(raw)}:
                found = _tracked(raw, False)
                if found:
                    out.append(found)
        return out

    def login(self) -> str | None:
        if self._login is False:
            try:
                _, data = self._request("GET", "/user")
                self._login = data.get("login") or None
            except GitHubError:
                self._login = None
        return self._login

    def labels(self) -> set[str]:
        return {raw["name"].casefold() for raw in self._list(f"{self.base}/labels", {"per_page": PAGE})}

    def can_assign(self, login: str) -> bool:
        key = login.casefold()
        if key not in self._assignable:
            try:
                self._request("GET", f"{self.base}/assignees/{quote(login)}")
                self._assignable[key] = True
            except NotFound:
                self._assignable[key] = False
        return self._assignable[key]

    # --- writing ---

    def create_label(self, name: str, color: str, description: str) -> None:
        try:
            self._write("POST", f"{self.base}/labels", {"name": name, "color": color, "description": description})
        except Invalid as exc:
            if "already_exists" not in str(exc):
                raise

    def create_issue(self, fields: dict, follow_up_id: str) -> int:
        """Create an issue; if the response is lost, find the issue by its marker before trying again."""
        def recover() -> int | None:
            return self.find_marked(follow_up_id)

        _, data = self._write("POST", f"{self.base}/issues", fields, recover=recover)
        return data["number"]

    def edit_issue(self, number: int, fields: dict) -> None:
        self._write("PATCH", f"{self.base}/issues/{number}", fields)

    def comment(self, number: int, body: str, key: str) -> bool:
        """Comment once per ``key``, hidden in the comment; False when it was there already.

        Looking first costs a read, but makes a comment that was posted by a
        run which then failed, or whose response was lost, never a second one.
        """
        marker = f"<!-- track:comment {key} -->"

        def posted() -> int | None:
            for raw in self._list(f"{self.base}/issues/{number}/comments", {"per_page": PAGE}):
                if marker in (raw.get("body") or ""):
                    return raw["id"]
            return None

        if posted() is not None:
            return False
        self._write("POST", f"{self.base}/issues/{number}/comments", {"body": f"{body}\n\n{marker}"}, recover=posted)
        return True

    def issues_labelled(self, label: str, state: str = "open") -> list[dict]:
        """Raw issues with a label (pull requests left out), oldest first."""
        params = {"state": state, "labels": label, "per_page": PAGE, "sort": "created", "direction": "asc"}
        return [raw for raw in self._list(f"{self.base}/issues", params) if "pull_request" not in raw]

    def create_plain_issue(self, fields: dict, recover: Callable[[], int | None]) -> dict:
        """Create an issue that is not a follow-up (the digest); ``recover`` finds it after a lost response."""
        _, data = self._write("POST", f"{self.base}/issues", fields, recover=recover)
        return data

    def comments(self, number: int) -> list[dict]:
        return list(self._list(f"{self.base}/issues/{number}/comments", {"per_page": PAGE}))

    def post_comment(self, number: int, body: str, recover: Callable[[], int | None]) -> dict:
        _, data = self._write("POST", f"{self.base}/issues/{number}/comments", {"body": body}, recover=recover)
        return data

    def edit_comment(self, comment_id: int, body: str) -> None:
        self._write("PATCH", f"{self.base}/issues/comments/{comment_id}", {"body": body})

    def find_marked(self, follow_up_id: str) -> int | None:
        """The newest issue carrying this follow-up's marker, among the most recent issues."""
        params = {"state": "all", "sort": "created", "direction": "desc", "per_page": RECENT}
        if self.login():
            params["creator"] = self.login()
        _, data = self._request("GET", f"{self.base}/issues", params)
        for raw in data:
            mark = read_mark(raw.get("body"))
            if mark and mark.id == follow_up_id:
                return raw["number"]
        return None

    # --- plumbing ---

    def _list(self, url: str, params: dict) -> Iterator[dict]:
        """Every item of a listing, following the `Link: rel="next"` URLs the server gives."""
        next_url, next_params = url, params
        while next_url:
            headers, data = self._request("GET", next_url, next_params)
            yield from data
            next_url, next_params = _next_link(headers), None

    def _write(self, verb: str, url: str, body: dict, recover: Callable[[], object] | None = None) -> tuple[dict, dict]:
        """A write, paced; before trying a write again, ``recover`` may find it was applied after all."""
        return self._call(verb, url, body=body, recover=recover, write=True)

    def _request(self, verb: str, url: str, params: dict | None = None) -> tuple[dict, object]:
        return self._call(verb, url, params=params)

    def _call(self, verb: str, url: str, params: dict | None = None, body: dict | None = None,
              recover: Callable[[], object] | None = None, write: bool = False) -> tuple[dict, object]:
        attempt = 0
        while True:
            attempt += 1
            if write:
                self.pacing.before_write()
            try:
                return self.requester.requestJsonAndCheck(verb, url, parameters=params, input=body)
            except Exception as exc:  # noqa: BLE001 - classified below
                wait = self._retry_wait(exc, attempt, verb, url)
            self._wait(wait)
            if recover is not None:
                found = recover()
                if found is not None:
                    return {}, {"number": found, "id": found}

    def _retry_wait(self, exc: Exception, attempt: int, verb: str, url: str) -> float:
        """Seconds to wait before trying again; raises GitHubError when it must not be retried."""
        what = f"{verb} {_display(url)}"
        from github import GithubException

        if isinstance(exc, _transient()):
            reason, wait = "connection failed", None
        elif isinstance(exc, GithubException):
            reason, wait = _classify(exc)
        else:
            # Not GitHub's answer: a bug or a bad setting. Its message may quote request headers
            # (the token among them), so only its kind is reported.
            raise GitHubError(f"{what}: the request could not be made ({type(exc).__name__})") from None
        if attempt >= self.policy.attempts:
            raise GitHubError(f"{what}: {reason}; gave up after {attempt} tries") from None
        if wait is None:
            wait = min(self.policy.backoff * 2 ** (attempt - 1), self.policy.max_backoff)
        if self.pacing.waited + wait > self.policy.max_wait:
            raise GitHubError(
                f"{what}: {reason}; waiting {wait:.0f} s more would pass the {self.policy.max_wait:.0f} s cap"
            ) from None
        return wait

    def _wait(self, seconds: float) -> None:
        self.pacing.waited += seconds
        self.pacing.sleep(seconds)


class NotFound(GitHubError):
    pass


class Invalid(GitHubError):
    pass


def _classify(exc: GithubException) -> tuple[str, float | None]:
    """Why a request failed and how long GitHub asks to wait; raises when retrying cannot help."""
    status, headers = exc.status, {k.lower(): v for k, v in (exc.headers or {}).items()}
    message = _message(exc)
    if status >= 500:
        return f"server error {status}", None
    if status in (403, 429):
        if "retry-after" in headers:
            return f"rate limited ({status})", _seconds(headers["retry-after"])
        if headers.get("x-ratelimit-remaining") == "0" and "x-ratelimit-reset" in headers:
            return f"rate limit used up ({status})", max(_seconds(headers["x-ratelimit-reset"]) - time.time(), 1.0)
        if status == 429 or "rate limit" in message.lower():
            return f"rate limited ({status})", None
    if status == 404:
        raise NotFound(f"not found (404): {message}") from None
    if status == 422:
        raise Invalid(f"rejected (422): {message}") from None
    if status == 401:
        raise AuthError("the token was refused (401): check GITHUB_TOKEN or GH_TOKEN") from None
    if status == 403:
        raise GitHubError(f"forbidden (403): {message}; does the token have issues: write?") from None
    raise GitHubError(f"failed ({status}): {message}") from None


def _message(exc: GithubException) -> str:
    data = exc.data if isinstance(exc.data, dict) else {}
    message = str(data.get("message") or exc.message or "no message")
    details = []
    for error in data.get("errors") or []:
        if isinstance(error, dict):
            detail = str(error.get("code") or error.get("message") or "")
            details.append(f"{error['field']}: {detail}" if error.get("field") else detail)
    return message + (f" ({', '.join(details)})" if details else "")


def _seconds(value: str) -> float:
    try:
        return max(float(value), 0.0)
    except ValueError:
        return 1.0


def _display(url: str) -> str:
    return url.split("?", 1)[0]


def _next_link(headers: dict) -> str | None:
    link = {k.lower(): v for k, v in headers.items()}.get("link", "")
    for part in link.split(","):
        if 'rel="next"' in part:
            return part[part.index("<") + 1: part.index(">")]
    return None


def _label_names(raw: dict) -> list[str]:
    return [label["name"] if isinstance(label, dict) else str(label) for label in raw.get("labels", [])]


def _tracked(raw: dict, labelled: bool) -> Tracked | None:
    if "pull_request" in raw:
        return None
    mark = read_mark(raw.get("body"))
    if mark is None:
        return None
    return Tracked(
        number=raw["number"], state=raw.get("state", "open"), title=raw.get("title", ""),
        body=(raw.get("body") or "").replace("\r\n", "\n"),  # the web UI saves CRLF
        labels=tuple(_label_names(raw)), assignees=tuple(a["login"] for a in raw.get("assignees") or []),
        mark=mark, labelled=labelled, url=raw.get("html_url", ""),
        created_at=raw.get("created_at"), updated_at=raw.get("updated_at"), closed_at=raw.get("closed_at"),
    )
