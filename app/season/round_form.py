"""The event list's "next round" form (/events/<slug>/next): the rule (top N overall, top N per category,
or the host's pick with a reason), the new round's names and the share of this round's result to carry;
the preview first (who advances, who is left out, ties at the cut, who has no valid result), and the
new round created through app/rounds.py only from a preview of exactly these inputs.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from .. import i18n
from ..domain.errors import DomainError
from ..domain.text import clean_line
from ..i18n import N_
from ..rounds import AdvancementRule, create_next_round, preview_next_round
from ..routes.common import choose_language, render
from .creating import clean_title, new_database
from .pages import _guard, _serve_new, _to_events, is_folder_host, season_of
from .running import describe

MAX_NEXT_COUNT = 1000  # the largest N of a top-N rule typed on the form (more projects than any event)
MAX_REASON = 200  # a pick's reason, as every reason (app/domain/text.py)


def _carry(text: str) -> Decimal | None:
    if not text:
        return None
    try:
        carry = Decimal(text)
    except InvalidOperation:
        carry = Decimal(-1)
    if not (carry.is_finite() and Decimal(0) <= carry <= Decimal(100)):
        raise DomainError("bad_carry", N_("The carried share is a number from 0 to 100 (per cent)."))
    return carry or None


def _round_inputs(form: Any, projects: set[str]) -> dict[str, Any]:
    """The form's fields, checked; DomainError for a wrong one."""
    kind = str(form.get("rule", ""))
    kind = kind if kind in ("top_overall", "top_per_category", "pick") else "top_overall"
    count, picks, reason = 0, (), ""
    if kind == "pick":
        picks = tuple(dict.fromkeys(p for p in form.getlist("pick") if p in projects))
        reason = clean_line(str(form.get("reason", ""))[: MAX_REASON * 2])
        if not picks or not reason or len(reason) > MAX_REASON:
            raise DomainError(
                "bad_pick",
                N_("Pick at least one project and give the reason (at most {limit} characters)."),
                limit=MAX_REASON,
            )
    else:
        count_text = str(form.get("count", "")).strip()
        if not (count_text.isascii() and count_text.isdigit() and 0 < int(count_text) <= MAX_NEXT_COUNT):
            raise DomainError(
                "bad_count", N_("How many advance: a whole number from 1 to {limit}."), limit=MAX_NEXT_COUNT
            )
        count = int(count_text)
    carry_text = str(form.get("carry", "")).strip()[:20]
    slug = str(form.get("slug", "")).strip()[:100]
    return {
        "slug": slug,
        "title": clean_title(str(form.get("title", ""))[:300]),
        "round_name": clean_title(str(form.get("round_name", ""))[:300]),
        "previous_round_name": clean_line(str(form.get("previous_round_name", ""))[:100]) or None,
        "kind": kind,
        "count": count,
        "picks": picks,
        "reason": reason,
        "carry": _carry(carry_text),
        # the guard: "create" is honoured only with the `seen` of a preview of these very inputs
        "seen": "|".join([kind, str(count), ",".join(picks), reason, carry_text, slug]),
    }


async def next_round(request: Request) -> Response:
    """GET: the form; POST with confirm=0: the preview (who advances, who not); confirm=1: create it."""
    if not is_folder_host(request):
        return RedirectResponse("/events/login", status_code=303)
    season = season_of(request)
    previous = season.running.get(request.path_params["slug"])
    if previous is None:
        return Response("no such event", status_code=404)
    names = {p.id: p.title for p in previous.live.event.projects}
    context: dict[str, Any] = {
        "previous": describe(previous),
        "projects": list(names.items()),
        "fields": {},
        "picked": [],
        "preview": None,
        "error": "",
    }
    if request.method == "GET":
        return render(request, "season_next.html", context)
    if refused := _guard(request):
        return refused
    form = await request.form(max_fields=MAX_NEXT_COUNT + 20)
    context["fields"] = {k: str(form.get(k, ""))[:300] for k in form}
    context["picked"] = form.getlist("pick")
    try:
        inputs = _round_inputs(form, set(names))
        new_db = new_database(season.folder, inputs["slug"], season.taken())
        rule = AdvancementRule(
            kind=inputs["kind"], count=inputs["count"], picks=inputs["picks"], reason=inputs["reason"]
        )
        options = {
            "title": inputs["title"],
            "round_name": inputs["round_name"],
            "rule": rule,
            "carry_weight": inputs["carry"],
            "previous_round_name": inputs["previous_round_name"],
        }
        plan = preview_next_round(previous.db, new_db, **options)
        if str(form.get("confirm", "")) != "1" or str(form.get("seen", "")) != inputs["seen"] or not plan.final:
            context["preview"] = {
                "advanced": [names.get(p, p) for p in plan.advanced],
                "left_out": [names.get(p, p) for p in plan.left_out],
                "tied": [names.get(p, p) for p in plan.tied_at_cut],
                "unranked": [names.get(p, p) for p in plan.unranked],
                "final": plan.final,
                "seen": inputs["seen"],
            }
            return render(request, "season_next.html", context)
        async with season.changing:
            new_database(season.folder, inputs["slug"], season.taken())  # again, inside the lock
            await create_next_round(previous.db, new_db, **options)
            await _serve_new(season, new_db)
    except DomainError as exc:
        context["error"] = i18n.translate_error(choose_language(request), exc.as_dict())["message"]
        return render(request, "season_next.html", context, status_code=400)
    return _to_events(request, "next_round")


routes = [Route("/events/{slug}/next", next_round, methods=["GET", "POST"])]
