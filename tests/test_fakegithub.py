"""Tests for the fake GitHub issues API, driven through real clients (requests, PyGithub)."""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import github
import pytest
import requests
import responses
from github import GithubException, RateLimitExceededException

from fakegithub import FAULT_KINDS, FakeGitHub, SeededFaults

# The brief's client calls get_repo(..., lazy=True), which PyGithub 2.x flags as deprecated.
pytestmark = pytest.mark.filterwarnings("ignore:Argument lazy is deprecated:DeprecationWarning")

REPO = "https://api.github.com/repos/acme/notes"
REPO_443 = "https://api.github.com:443/repos/acme/notes"


@contextmanager
def serving(fake: FakeGitHub):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake.install(rsps)
        yield fake


@pytest.fixture
def gh():
    with serving(FakeGitHub()) as fake:
        yield fake


def pygithub_repo(base_url: str | None = None, **options):
    kwargs = {"base_url": base_url} if base_url else {}
    options.setdefault("retry", None)
    client = github.Github(auth=github.Auth.Token("t"), per_page=100, seconds_between_requests=None,
                           seconds_between_writes=None, **kwargs, **options)
    return client.get_repo("acme/notes", lazy=True)


def links(response: requests.Response) -> dict[str, str]:
    return {rel: info["url"] for rel, info in response.links.items()}


def fault_at(kind: str, index: int = 0):
    """A fault hook that injects ``kind`` into request number ``index`` only."""
    return lambda method, path, i: kind if i == index else None


# ----- listing and pagination ---------------------------------------------------


def test_pygithub_iterates_250_issues_in_three_requests(gh):
    for n in range(250):
        gh.add_issue(f"issue {n}")
    numbers = [issue.number for issue in pygithub_repo().get_issues(state="all")]
    assert numbers == list(range(250, 0, -1))  # newest first by default
    assert gh.count("GET", r"/issues$") == 3 == len(gh.requests)
    assert [query.get("page") for _, _, query in gh.requests] == [None, "2", "3"]


def test_link_header_has_github_relations_and_keeps_other_params(gh):
    for n in range(25):
        gh.add_issue(f"issue {n}", state="closed" if n % 2 else "open")
    first = requests.get(f"{REPO}/issues", params={"state": "all", "per_page": 10})
    assert set(links(first)) == {"next", "last"}
    middle = requests.get(links(first)["next"])
    assert set(links(middle)) == {"prev", "next", "last", "first"}
    assert "state=all" in links(middle)["next"] and "per_page=10" in links(middle)["next"]
    final = requests.get(links(first)["last"])
    assert set(links(final)) == {"prev", "first"}
    seen = [issue["number"] for page in (first, middle, final) for issue in page.json()]
    assert seen == list(range(25, 0, -1))


def test_link_urls_from_a_port_443_request_are_canonical_and_served(gh):
    for n in range(3):
        gh.add_issue(f"issue {n}")
    response = requests.get(f"{REPO_443}/issues?per_page=2")
    assert response.status_code == 200
    # GitHub's own host, no port: PyGithub asserts the port of a Link URL matches its base URL.
    assert links(response)["next"] == f"{REPO}/issues?per_page=2&page=2"
    assert [issue["number"] for issue in requests.get(links(response)["next"]).json()] == [1]


def test_single_page_has_no_link_and_per_page_is_capped_at_100(gh):
    for n in range(120):
        gh.add_issue(f"issue {n}", labels=["rare"] if n < 10 else [])
    single = requests.get(f"{REPO}/issues?labels=rare")
    assert len(single.json()) == 10 and "Link" not in single.headers
    assert len(requests.get(f"{REPO}/issues?per_page=500").json()) == 100
    assert len(requests.get(f"{REPO}/issues").json()) == 30


def test_listing_filters_by_state_labels_creator_and_assignee(gh):
    gh.add_issue("a", labels=["follow-up", "Urgent"], assignees=["alice"])
    gh.add_issue("b", labels=["follow-up"], user="carol")
    gh.add_issue("c", labels=["follow-up", "urgent"], state="closed", assignees=["bob"])

    def titles(**params):
        return sorted(issue["title"] for issue in requests.get(f"{REPO}/issues", params=params).json())

    assert titles() == ["a", "b"]  # open is the default state
    assert titles(state="closed") == ["c"]
    assert titles(state="all", labels="follow-up,urgent") == ["a", "c"]  # all labels, any case
    assert titles(labels="follow-up,missing") == []
    assert titles(state="all", creator="carol") == ["b"]
    assert titles(state="all", assignee="none") == ["b"]
    assert titles(state="all", assignee="*") == ["a", "c"]
    assert titles(state="all", assignee="bob") == ["c"]
    assert requests.get(f"{REPO}/issues?state=bogus").status_code == 422


def test_listing_sorts_and_filters_by_time(gh):
    first = gh.add_issue("first")
    gh.advance(60)
    second = gh.add_issue("second")
    gh.advance(60)
    requests.post(f"{REPO}/issues/{first}/comments", json={"body": "bump"})  # updates `first`

    def numbers(**params):
        return [issue["number"] for issue in requests.get(f"{REPO}/issues", params=params).json()]

    assert numbers() == [second, first]
    assert numbers(direction="asc") == [first, second]
    assert numbers(sort="updated") == [first, second]
    assert numbers(sort="comments") == [first, second]
    assert numbers(since="2026-01-05T09:02:00Z") == [first]


def test_listing_includes_pull_requests(gh):
    gh.add_issue("an issue")
    pr = gh.add_issue("a pull request", pull_request=True)
    listed = {issue["number"]: issue for issue in requests.get(f"{REPO}/issues").json()}
    assert "pull_request" in listed[pr] and "pull_request" not in listed[1]
    assert listed[pr]["html_url"].endswith(f"/acme/notes/pull/{pr}")
    by_number = {issue.number: issue for issue in pygithub_repo().get_issues()}
    assert by_number[pr].pull_request is not None and by_number[1].pull_request is None


# ----- writes -----------------------------------------------------------------------


def test_create_issue_returns_201_and_auto_creates_missing_labels(gh):
    gh.labels["known"] = {"id": 1, "name": "known", "color": "00ff00", "description": "kept"}
    response = requests.post(f"{REPO}/issues", json={"title": "T", "body": "B", "labels": ["Known", "new"],
                                                     "assignees": ["Alice"]})
    assert response.status_code == 201
    issue = response.json()
    assert [label["name"] for label in issue["labels"]] == ["known", "new"]
    assert gh.labels["new"]["color"] == "ededed" and gh.labels["known"]["color"] == "00ff00"
    assert issue["user"]["login"] == "track-bot" and issue["assignee"]["login"] == "alice"
    assert issue["assignees"] == [issue["assignee"]] and issue["assignee"]["type"] == "User"
    assert issue["created_at"] == "2026-01-05T09:00:00Z" and issue["closed_at"] is None
    assert issue["url"] == f"{REPO}/issues/1" and issue["html_url"] == "https://github.com/acme/notes/issues/1"


def test_pygithub_create_edit_comment_round_trip(gh):
    repo = pygithub_repo()
    issue = repo.create_issue("Ship it", body="from notes", labels=["follow-up"], assignees=["alice"])
    gh.advance(30)
    issue.edit(labels=["done"], assignees=["bob"], state="closed")
    assert [label.name for label in issue.labels] == ["done"]  # edit replaces the label set
    assert issue.state == "closed" and issue.state_reason == "completed"
    assert issue.closed_at == datetime(2026, 1, 5, 9, 0, 30, tzinfo=timezone.utc)
    issue.create_comment("closed by track")
    issue.edit(state="open")
    assert issue.state_reason == "reopened" and issue.closed_at is None
    issue.add_to_labels("extra")
    issue.remove_from_labels("done")
    assert [c.body for c in issue.get_comments()] == ["closed by track"]
    assert gh.snapshot() == [{"number": 1, "title": "Ship it", "body": "from notes", "state": "open",
                              "state_reason": "reopened", "labels": ["extra"], "assignees": ["bob"],
                              "user": "track-bot", "comments": ["closed by track"]}]


def test_state_reason_needs_state_and_not_planned_is_kept(gh):
    number = gh.add_issue("x")
    assert requests.patch(f"{REPO}/issues/{number}", json={"state_reason": "not_planned"}).json()["state"] == "open"
    closed = requests.patch(f"{REPO}/issues/{number}", json={"state": "closed", "state_reason": "not_planned"})
    assert closed.json()["state_reason"] == "not_planned"
    assert closed.json()["closed_by"]["login"] == "track-bot"


def test_edit_bumps_updated_at_only_when_something_changes(gh):
    number = gh.add_issue("same", labels=["a"])
    gh.advance(3600)
    unchanged = requests.patch(f"{REPO}/issues/{number}", json={"title": "same", "labels": ["A"]}).json()
    assert unchanged["updated_at"] == "2026-01-05T09:00:00Z"
    changed = requests.patch(f"{REPO}/issues/{number}", json={"body": "new"}).json()
    assert changed["updated_at"] == "2026-01-05T10:00:00Z"


def test_patch_works_on_pull_request_numbers(gh):
    pr = gh.add_issue("PR", pull_request=True)
    response = requests.patch(f"{REPO}/issues/{pr}", json={"labels": ["review"]})
    assert response.status_code == 200 and "pull_request" in response.json()
    assert gh.issues[pr]["labels"] == ["review"]


def test_comments_are_paginated_and_counted(gh):
    number = gh.add_issue("talk")
    for n in range(3):
        assert requests.post(f"{REPO}/issues/{number}/comments", json={"body": f"c{n}"}).status_code == 201
    page = requests.get(f"{REPO}/issues/{number}/comments?per_page=2")
    assert [c["body"] for c in page.json()] == ["c0", "c1"]
    assert [c["body"] for c in requests.get(links(page)["next"]).json()] == ["c2"]
    assert page.json()[0]["html_url"].endswith(f"/issues/{number}#issuecomment-{page.json()[0]['id']}")
    assert requests.get(f"{REPO}/issues/{number}").json()["comments"] == 3


# ----- validation and errors ---------------------------------------------------------


@pytest.mark.parametrize("payload, field, code", [
    ({"body": "no title"}, "title", "missing_field"),
    ({"title": "   "}, "title", "missing_field"),
    ({"title": "x" * 257}, "title", "invalid"),
    ({"title": "ok", "body": "x" * 65537}, "body", "invalid"),
    ({"title": "ok", "assignees": ["mallory"]}, "assignees", "invalid"),
    ({"title": "ok", "labels": ["fine", "x" * 51]}, "name", "invalid"),
])
def test_create_issue_validation_fails_without_side_effects(gh, payload, field, code):
    response = requests.post(f"{REPO}/issues", json=payload)
    assert response.status_code == 422
    document = response.json()
    assert document["message"] == "Validation Failed" and "documentation_url" in document
    assert (document["errors"][0]["field"], document["errors"][0]["code"]) == (field, code)
    assert gh.issues == {} and gh.labels == {}


def test_title_of_exactly_256_chars_is_accepted(gh):
    assert requests.post(f"{REPO}/issues", json={"title": "x" * 256, "body": "y" * 65536}).status_code == 201


def test_pygithub_sees_422_and_404_as_exceptions(gh):
    repo = pygithub_repo()
    with pytest.raises(GithubException) as unassignable:
        repo.create_issue("t", assignees=["mallory"])
    assert unassignable.value.status == 422
    with pytest.raises(GithubException) as missing:
        _ = repo.get_issue(99).title  # lazy: the GET happens on first attribute access
    assert missing.value.status == 404 and missing.value.data["message"] == "Not Found"


def test_unknown_issue_is_404_for_every_verb(gh):
    for method, suffix in [("GET", ""), ("PATCH", ""), ("GET", "/comments"), ("POST", "/comments")]:
        response = requests.request(method, f"{REPO}/issues/7{suffix}", json={"body": "x"})
        assert response.status_code == 404 and response.json()["message"] == "Not Found"


def test_patch_validates_before_changing_anything(gh):
    number = gh.add_issue("keep", labels=["a"])
    response = requests.patch(f"{REPO}/issues/{number}", json={"labels": ["b"], "title": ""})
    assert response.status_code == 422
    assert gh.issues[number]["labels"] == ["a"] and "b" not in gh.labels
    assert requests.patch(f"{REPO}/issues/{number}", json={"state": "shut"}).status_code == 422


def test_unsupported_endpoint_fails_loudly(gh):
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"{REPO}/milestones")


# ----- labels and assignees -------------------------------------------------------------


def test_label_endpoints(gh):
    created = requests.post(f"{REPO}/labels", json={"name": "needs triage", "color": "A1B2C3",
                                                    "description": "new"})
    assert created.status_code == 201
    label = created.json()
    assert (label["name"], label["color"], label["default"]) == ("needs triage", "a1b2c3", False)
    duplicate = requests.post(f"{REPO}/labels", json={"name": "Needs Triage", "color": "000000"})
    assert duplicate.status_code == 422 and duplicate.json()["errors"][0]["code"] == "already_exists"
    for bad in ({"name": "x", "color": "#ffffff"}, {"name": "x" * 51}, {"name": "x", "description": "d" * 101},
                {"color": "ffffff"}):
        assert requests.post(f"{REPO}/labels", json=bad).status_code == 422, bad
    assert pygithub_repo().get_label("Needs Triage").description == "new"
    assert requests.get(f"{REPO}/labels/absent").status_code == 404
    assert [label["name"] for label in requests.get(f"{REPO}/labels").json()] == ["needs triage"]


def test_label_names_with_slashes_survive_pygithub_quoting(gh):
    repo = pygithub_repo()
    issue = repo.create_issue("t", labels=["area/docs"])
    assert repo.get_label("area/docs").color == "ededed"  # requested as area%2Fdocs
    issue.add_to_labels("keep")
    issue.remove_from_labels("area/docs")  # requested with a raw "/"
    assert gh.issues[issue.number]["labels"] == ["keep"]


def test_assignee_check_and_listing(gh):
    repo = pygithub_repo()
    assert repo.has_in_assignees("alice") is True
    assert repo.has_in_assignees("mallory") is False
    ok = requests.get(f"{REPO}/assignees/bob")
    assert ok.status_code == 204 and ok.content == b""
    assert requests.get(f"{REPO}/assignees/mallory").status_code == 404
    assert [user.login for user in repo.get_assignees()] == ["alice", "bob"]


# ----- base URLs, account endpoints, rate limit ------------------------------------------


def test_github_enterprise_api_url():
    fake = FakeGitHub(api_url="https://ghe.example.com/api/v3/")
    for n in range(150):
        fake.add_issue(f"issue {n}")
    with serving(fake):
        repo = pygithub_repo("https://ghe.example.com/api/v3")
        issues = list(repo.get_issues())
        issue = repo.create_issue("on GHE", labels=["ghe"])
        with pytest.raises(requests.exceptions.ConnectionError):
            requests.get(f"{REPO}/issues")  # github.com is not served by this fake
    assert len(issues) == 150 and fake.count("GET", "/issues$") == 2
    assert issue.html_url == "https://ghe.example.com/acme/notes/issues/151"
    assert issue.url == "https://ghe.example.com/api/v3/repos/acme/notes/issues/151"
    assert fake.requests[0][1] == "/repos/acme/notes/issues"  # paths are relative to the API root


def test_account_and_repository_endpoints(gh):
    assert requests.get("https://api.github.com/user").json()["login"] == "track-bot"
    repo = requests.get(REPO).json()
    assert (repo["full_name"], repo["has_issues"], repo["permissions"]["push"]) == ("acme/notes", True, True)
    rate = requests.get("https://api.github.com:443/rate_limit").json()
    assert rate["resources"]["core"]["limit"] == 5000 and rate["rate"] == rate["resources"]["core"]


def test_rate_limit_headers_count_down(gh):
    first = requests.get(f"{REPO}/issues").headers
    second = requests.post(f"{REPO}/issues", json={"title": "x"}).headers
    assert first["X-RateLimit-Limit"] == "5000" and first["X-RateLimit-Resource"] == "core"
    assert int(second["X-RateLimit-Remaining"]) == int(first["X-RateLimit-Remaining"]) - 1 == 4998
    assert second["X-RateLimit-Used"] == "2"
    start = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
    assert int(first["X-RateLimit-Reset"]) == int((start + timedelta(hours=1)).timestamp())


# ----- request accounting -----------------------------------------------------------------


def test_request_accounting(gh):
    requests.get(f"{REPO}/issues?state=all")
    requests.post(f"{REPO}/issues", json={"title": "x"})
    requests.patch(f"{REPO}/issues/1", json={"body": "y"})
    assert gh.requests[0] == ("GET", "/repos/acme/notes/issues", {"state": "all"})
    assert (gh.count(), gh.count("POST"), gh.count(path_regex=r"/issues/\d+$"), gh.writes) == (3, 1, 1, 2)
    gh.reset_counts()
    assert gh.requests == [] and gh.writes == 0 and gh.issues[1]["body"] == "y"


# ----- fault injection ---------------------------------------------------------------------


@pytest.mark.parametrize("kind, status, retry_after", [
    ("500", 500, None), ("502", 502, None), ("503", 503, None), ("secondary", 403, "7"), ("429", 429, "3"),
])
def test_http_faults_answer_without_applying(gh, kind, status, retry_after):
    gh.faults = fault_at(kind)
    response = requests.post(f"{REPO}/issues", json={"title": "x"})
    assert response.status_code == status and response.json()["message"]
    assert response.headers.get("Retry-After") == retry_after
    assert gh.issues == {} and gh.requests == [("POST", "/repos/acme/notes/issues", {})]
    assert requests.post(f"{REPO}/issues", json={"title": "x"}).status_code == 201  # one-off fault


def test_primary_rate_limit_fault(gh):
    gh.faults = fault_at("ratelimit")
    response = requests.get(f"{REPO}/issues")
    assert response.status_code == 403 and response.json()["message"].startswith("API rate limit exceeded")
    assert response.headers["X-RateLimit-Remaining"] == "0"
    assert int(response.headers["X-RateLimit-Reset"]) == int(gh.now.timestamp()) + 30


@pytest.mark.parametrize("kind", ["secondary", "ratelimit"])
def test_pygithub_recognises_rate_limit_faults(gh, kind):
    gh.faults = fault_at(kind)
    with pytest.raises(RateLimitExceededException):
        pygithub_repo().create_issue("x")
    assert gh.issues == {}


def test_pygithub_default_retry_recovers_from_503_and_secondary(gh):
    gh.add_issue("a")
    gh.faults = lambda method, path, index: {0: "503", 1: "secondary"}.get(index)
    repo = pygithub_repo(retry=github.GithubRetry())
    assert [issue.number for issue in repo.get_issues()] == [1]
    assert gh.count("GET") == 3


def test_drop_raises_connection_error_before_applying(gh):
    gh.faults = fault_at("drop")
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.post(f"{REPO}/issues", json={"title": "x"})
    assert gh.issues == {} and gh.writes == 1


def test_lost_applies_the_write_but_hides_the_response(gh):
    number = gh.add_issue("x")
    gh.faults = lambda method, path, index: "lost"
    with pytest.raises(requests.exceptions.ConnectionError):
        pygithub_repo().create_issue("created anyway")
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.post(f"{REPO}/issues/{number}/comments", json={"body": "posted anyway"})
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"{REPO}/issues")  # on a read "lost" is a plain drop
    assert gh.issues[2]["title"] == "created anyway" and gh.comments[number][0]["body"] == "posted anyway"


def test_unknown_fault_kind_is_a_test_bug(gh):
    gh.faults = fault_at("teapot")
    with pytest.raises(ValueError, match="teapot"):
        requests.get(f"{REPO}/issues")


def run_scripted_session(fake: FakeGitHub) -> list:
    """A fixed request sequence that tolerates every fault, returning what the client saw."""
    seen = []
    with serving(fake):
        for n in range(40):
            try:
                if n % 3:
                    seen.append(requests.get(f"{REPO}/issues?state=all").status_code)
                else:
                    seen.append(requests.post(f"{REPO}/issues", json={"title": f"t{n}"}).status_code)
            except requests.exceptions.ConnectionError:
                seen.append("connection error")
    return seen


def test_seeded_faults_are_reproducible():
    sessions = []
    for seed in (7, 7, 8):
        fake = FakeGitHub()
        fake.faults = SeededFaults(seed, rate=0.3)
        sessions.append((run_scripted_session(fake), fake.faults.injected, fake.snapshot()))
    assert sessions[0] == sessions[1]
    assert sessions[0][1] != sessions[2][1]
    injected = sessions[0][1]
    assert injected and all(kind in FAULT_KINDS for _, _, _, kind in injected)
    index, method, path, kind = injected[0]
    assert (method, path) in {("GET", "/repos/acme/notes/issues"), ("POST", "/repos/acme/notes/issues")}


def test_seeded_faults_respect_rate_kinds_and_cap():
    never = SeededFaults(1, rate=0.0)
    assert [never("GET", "/x", i) for i in range(50)] == [None] * 50
    capped = SeededFaults(1, rate=1.0, kinds=("502", "drop"), max_faults=5)
    results = [capped("POST", "/x", i) for i in range(20)]
    assert results[5:] == [None] * 15 and set(results[:5]) <= {"502", "drop"}
    assert [entry[0] for entry in capped.injected] == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError):
        SeededFaults(1, kinds=("boom",))


# ----- snapshot ------------------------------------------------------------------------------


def apply_script(fake: FakeGitHub, order: list[str]) -> None:
    with serving(fake):
        number = requests.post(f"{REPO}/issues", json={"title": "T", "labels": ["b", "a"],
                                                       "assignees": ["bob", "alice"]}).json()["number"]
        for step in order:
            fake.advance(17)
            if step == "comment":
                requests.post(f"{REPO}/issues/{number}/comments", json={"body": "note"})
            else:
                requests.patch(f"{REPO}/issues/{number}", json={"state": "closed"})


def test_snapshot_is_stable_and_timestamp_free():
    early = FakeGitHub()
    late = FakeGitHub(start=datetime(2030, 6, 1, tzinfo=timezone.utc))
    apply_script(early, ["comment", "close"])
    apply_script(late, ["close", "comment"])
    assert early.snapshot() == late.snapshot()
    assert early.snapshot() == json.loads(json.dumps(early.snapshot()))
    (issue,) = early.snapshot()
    assert issue["labels"] == ["a", "b"] and issue["assignees"] == ["alice", "bob"]
    assert issue["state_reason"] == "completed" and issue["comments"] == ["note"]
