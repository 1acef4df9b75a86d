"""The audience vote's settings (`[audience]`, docs/event-file.md §11) in the setup area, against the real
server: what the page saves is what the event file and the workbook export say, and a bad setting gets
the event file's own message at its field, in the page's language, with nothing changed."""

from __future__ import annotations

from typing import Any

from app.domain.models import AudienceRules
from app.eventfile import parse_event
from app.spreadsheets import import_workbook
from tests.server import RunningServer
from tests.test_setup import current, host_http, save

# as the page sends them (static/setup/model.js payload): numbers typed as text are fine too
AUDIENCE_FORM = {
    "enabled": True,
    "mode": "stars",
    "window": "per_project",
    "use": "composite",
    "weight": "0.10",
    "per_address_cap": "40",
    "tickets": True,
}
EXPECTED = AudienceRules(
    enabled=True, mode="stars", window="per_project", use="composite", weight=0.1, per_address_cap=40, tickets=True
)


async def test_the_audience_vote_set_in_setup_is_what_the_event_file_and_workbook_export(
    mini_server: RunningServer,
) -> None:
    async with host_http(mini_server) as http:
        state = await current(http)
        assert "audience" not in state["definition"]  # off: no table
        definition: dict[str, Any] = state["definition"] | {"audience": AUDIENCE_FORM}
        answer = await save(http, definition, base=state["base"])
        assert answer.status_code == 200, answer.text
        saved = (await current(http))["definition"]["audience"]
        assert saved == {
            "enabled": True,
            "mode": "stars",
            "window": "per_project",
            "use": "composite",
            "weight": 0.1,
            "per_address_cap": 40,
            "tickets": True,
        }
        toml = await http.get("/host/export/event.toml")
        assert toml.status_code == 200
        assert parse_event(toml.text).audience == EXPECTED
        workbook = await http.get("/host/export/event.xlsx")
        preview = import_workbook(workbook.content)
        assert preview.ok, preview.problems
        assert preview.event is not None and preview.event.audience == EXPECTED
        assert preview.event == parse_event(toml.text)  # setup -> workbook -> event: the same event
        # turning it off again from the page (all defaults: the page sends no table)
        off = (await current(http))["definition"]
        del off["audience"]
        answer = await save(http, off, base=(await current(http))["base"])
        assert answer.status_code == 200, answer.text
        assert "audience" not in (await current(http))["definition"]
        assert parse_event((await http.get("/host/export/event.toml")).text).audience == AudienceRules()


async def test_a_bad_audience_setting_gets_the_event_files_message_at_its_field(mini_server: RunningServer) -> None:
    cases = [
        ({"enabled": True, "use": "composite", "weight": "1.5"}, "audience.weight", "必须大于 0 且小于 1"),
        ({"enabled": True, "use": "composite"}, "audience.weight", "必须大于 0 且小于 1"),
        ({"enabled": True, "window": "per_project"}, "audience.window", 'mode = "stars"'),
        ({"enabled": True, "per_address_cap": "10001"}, "audience.per_address_cap", "10000"),
        ({"enabled": "yes"}, "audience.enabled", "true"),
        ({"enabled": True, "mode": "twice"}, "audience.mode", "one_per_event"),
    ]
    async with host_http(mini_server) as http:
        state = await current(http)
        for audience, field, words in cases:
            answer = await http.post(
                "/host/setup/save?lang=zh",
                json={"definition": state["definition"] | {"audience": audience}, "base": state["base"]},
            )
            assert answer.status_code == 422, (audience, answer.text)
            problems = {p["field"]: p["message"] for p in answer.json()["problems"]}
            assert field in problems, (audience, problems)
            assert words in problems[field], (audience, problems)
        assert (await current(http))["base"] == state["base"]  # nothing saved


async def test_the_cap_at_its_limit_is_saved(mini_server: RunningServer) -> None:
    async with host_http(mini_server) as http:
        state = await current(http)
        audience = {"enabled": True, "per_address_cap": "10000"}
        answer = await save(http, state["definition"] | {"audience": audience}, base=state["base"])
        assert answer.status_code == 200, answer.text
        assert (await current(http))["definition"]["audience"] == {"enabled": True, "per_address_cap": 10000}
