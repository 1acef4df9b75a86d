"""Strings of the stage additions of issue 16 (commentary, break, thanks, overlay), merged into the
pages' tables (app/jsstrings/judge.py, host.py, board.py) so those files only gain one line each."""

from ..i18n import N_

JUDGE: dict[str, str] = {
    "points_title": N_("Comment points"),
    "points_hint": N_(
        "Short points for the experts' commentary. The host can put a point you share on the board; "
        "the rest stay private."
    ),
    "point_highlight": N_("Highlight"),
    "point_suggestion": N_("Suggestion"),
    "point_kind": N_("Kind of point"),
    "point_text": N_("Point"),
    "point_placeholder": N_("One short point (at most 200 characters)"),
    "point_share": N_("Share (the host may show it on the board)"),
    "point_add": N_("Add point"),
    "point_shared": N_("Shared"),
    "point_private": N_("Private"),
    "point_delete": N_("Delete this point"),
    "points_project": N_("Points on the project"),
}

BOARD: dict[str, str] = {
    "scene_commentary": N_("Expert commentary"),
    "scene_break": N_("Break"),
    "scene_thanks": N_("Thank you"),
    "commentary_about_event": N_("On the whole event"),
    "commentary_speaking": N_("Speaking time"),
    "point_highlight": N_("Highlight"),
    "point_suggestion": N_("Suggestion"),
    "break_title": N_("Break"),
    "break_back_in": N_("We continue in"),
    "break_over": N_("We continue shortly"),
    "thanks_title": N_("Thank you"),
    "thanks_organizer": N_("Organised by"),
    "announce_commentary": N_("Expert commentary: {name}"),
    "announce_break": N_("Break"),
    "overlay_presenting": N_("Now presenting"),
    "overlay_result": N_("Result"),
    "overlay_composite": N_("Composite"),
    "overlay_winner": N_("Award"),
}

HOST: dict[str, str] = {
    "scene_commentary": N_("Expert commentary"),
    "scene_break": N_("Break"),
    "scene_thanks": N_("Thank you"),
    "commentary_title": N_("Expert commentary"),
    "commentary_judge": N_("Speaker"),
    "commentary_project": N_("About"),
    "commentary_whole_event": N_("The whole event"),
    "commentary_start": N_("Put on the board"),
    "commentary_end": N_("End commentary"),
    "commentary_points": N_("Shared points of this judge"),
    "commentary_no_points": N_("This judge has shared no points here yet."),
    "commentary_timer_start": N_("Start speaking time"),
    "commentary_timer_pause": N_("Pause"),
    "commentary_timer_reset": N_("Reset"),
    "break_minutes": N_("Break (minutes)"),
    "break_message": N_("Line under the countdown"),
    "break_start": N_("Start break"),
    "point_highlight": N_("Highlight"),
    "point_suggestion": N_("Suggestion"),
}

SETUP: dict[str, str] = {
    "picture_logo": N_("Event logo"),
    "picture_sponsors": N_("Sponsor strip"),
    "picture_project": N_("Project"),
    "picture_judge": N_("Judge"),
    "picture_none": N_("No picture"),
    "picture_remove": N_("Remove"),
    "picture_failed": N_("The picture could not be saved."),
    "col_organisation": N_("Organisation (commentary)"),
}
