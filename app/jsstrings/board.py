"""Strings used only by static/board.js (translated by the template; see app/i18n.py).

`{name}` placeholders are filled in by the page; keep them in translations.
"""

from ..i18n import N_

STRINGS: dict[str, str] = {
    # presenting
    "position_label": N_("Project"),
    "leader": N_("Team leader"),
    "timer_ready": N_("Not started"),
    # result
    "rank_no": N_("No. {rank}"),
    "out_of": N_("out of {max}"),
    "no_result": N_("No result has been revealed yet"),
    "col_component": N_("Component"),
    "col_weight": N_("Weight"),
    "col_score": N_("Score"),
    "col_points": N_("Points"),
    "n_counted": N_("Judges' scores counted: {n}"),
    "n_dropped": N_("Dropped by the scoring rule: {n}"),
    "anchor": N_("Audit anchor {length} · {head}"),
    # leaderboard
    "revealed_count": N_("{n} of {total} projects revealed"),
    "no_leaderboard": N_("Results appear here as they are revealed"),
    "by_category": N_("By category"),
    "category_leaders": N_("Category leaders"),
    # ceremony
    "awards_pending": N_("The awards will be revealed one by one"),
    "names_count": N_("{n} names"),
    "not_revealed": N_("Not revealed yet"),
    "tie_at_cut": N_("Tied at the cut-off: every tied project receives the award"),
    "reveal_step": N_("Reveal {step} of {total}"),
    # connection
    "conn_refused": N_("Connection refused — please reload the page"),
    "board_offline": N_("Offline — reconnecting when the network returns"),
    # screen-reader announcements
    "announce_welcome": N_("Welcome: {title}"),
    "announce_presenting": N_("Now presenting: {title}"),
    "announce_result": N_("Result for {title}: composite {score}, rank {rank}"),
    "announce_winner": N_("{award}: {name}"),
    "announce_honour": N_("{award}: {n} names"),
    # ranks as the hall reads them (board/state.js)
    "rank_provisional": N_("Provisional No. {rank} · {n} of {total} revealed"),
    "no_rank": N_("—"),
    "place_no": N_("No. {place}"),
    # the audience vote (static/board/vote.js, static/board/ballot.js)
    "vote_scan": N_("Scan to vote"),
    "vote_scan_project": N_("Scan to rate {title}"),
    "vote_count": N_("{n} votes"),
    "vote_votes": N_("{n} votes"),
    "vote_mean_stars": N_("{stars} ★ ({n} ratings)"),
    "vote_voters": N_("{n} people voted"),
    "vote_not_revealed": N_("The audience vote has not been revealed yet"),
    "vote_title_event": N_("Vote for your favourite project"),
    "vote_title_category": N_("Vote for one project in each category"),
    "vote_title_stars": N_("Rate the project you just saw"),
    "vote_title_stars_all": N_("Rate each project from 1 to 5 stars"),
    "vote_stars_label": N_("Stars"),
    "vote_n_stars": N_("{n} stars"),
    "vote_ticket_label": N_("Ticket code (on your slip)"),
    "vote_sending": N_("Sending your vote…"),
    "vote_offline": N_("Offline: your vote will be sent when the network returns"),
    "vote_saved": N_("Vote saved ✓"),
    "vote_failed": N_("Your vote was not saved; please try again."),
    "vote_closed": N_("Voting is closed"),
    "vote_change_hint": N_("You can change your vote until voting closes; your latest vote counts."),
}

from .stage import BOARD as _STAGE  # noqa: E402  (issue 16: commentary, break, thanks, overlay)

STRINGS |= _STAGE
