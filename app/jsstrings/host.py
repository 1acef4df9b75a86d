"""Strings used only by static/host.js (translated by the template; see app/i18n.py).

Placeholders in braces ({n}, {title}, ...) are filled in by host.js; keep them in translations.
"""

from ..i18n import N_

STRINGS: dict[str, str] = {
    # the hall's settings (static/host/hall.js)
    "hall_language": N_("Projector language"),
    "hall_language_own": N_("As set on the projector"),
    "hall_sound": N_("Ceremony sound"),
    # connection
    "host_offline": N_("Offline — waiting for the network"),
    "unauthorized": N_("Not logged in or session expired — log in again"),
    "log_in_again": N_("Log in again"),
    "controls_offline": N_("Not connected: the controls are disabled until the connection returns."),
    # now / next / running order
    "no_current": N_("No project has started yet"),
    "no_next": N_("No more projects waiting"),
    "position_of": N_("Project {n} of {total}"),
    "start_named": N_("Start: {title}"),
    "move_up": N_("Move up"),
    "move_down": N_("Move down"),
    "move_up_named": N_("Move up: {title}"),
    "move_down_named": N_("Move down: {title}"),
    "order_count": N_("{n} projects"),
    # timers
    "timer_ready": N_("Ready"),
    "resume": N_("Resume"),
    # scoring / judges
    "reopen_scoring": N_("Reopen scoring"),
    "judge_recused": N_("recused"),
    "amended": N_("amended"),
    "lift_confirm": N_("Lift this judge's recusal for this project? Their score will count again."),
    "reason_missing": N_("Please enter a reason."),
    "judge_label": N_("Judge"),
    "correct": N_("Correct"),
    "correct_named": N_("Correct the score of {judge}"),
    "correct_title": N_("Correct {judge}'s score for “{project}”"),
    "scores_missing": N_("Enter a score for every criterion."),
    "recuse_named": N_("Recuse {judge}"),
    "unrecuse_named": N_("Lift recusal of {judge}"),
    # standings
    "no_standings": N_("No project has been scored yet."),
    "unranked_count": N_("{n} projects not scored yet"),
    "details": N_("Details"),
    "method": N_("Method"),
    "method_trimmed_mean": N_("Trimmed mean (highest and lowest dropped)"),
    "method_mean": N_("Mean"),
    "method_median": N_("Median"),
    "normalized_note": N_("Totals are normalised (z-score) before combining."),
    "judge_total": N_("Total"),
    "adjusted": N_("Adjusted"),
    "role_counted": N_("counted"),
    "role_dropped": N_("dropped"),
    "role_recused": N_("recused"),
    "role_none": N_("not scored"),
    "counted_judges": N_("Counted judges"),
    "dropped_judges": N_("Dropped judges"),
    "recused_judges": N_("Recused judges"),
    "none": N_("none"),
    "component": N_("Component"),
    "weight": N_("Weight"),
    "value": N_("Value"),
    "contribution": N_("Contribution"),
    "revealed_yes": N_("Revealed on the board"),
    "revealed_no": N_("Not revealed yet"),
    "reveal_named": N_("Reveal: {title}"),
    "first_places": N_("First places"),
    "project": N_("Project"),
    # ceremony
    "ceremony_not_started": N_("Not started"),
    "ceremony_step_of": N_("Step {step} of {total}"),
    "ceremony_now": N_("Shown now"),
    "ceremony_up_next": N_("Up next"),
    "ceremony_nothing_yet": N_("Nothing revealed yet"),
    "ceremony_all_done": N_("Every award has been revealed"),
    "ceremony_whole_roll": N_("{award}: all {n} names"),
    "awards_preview": N_("Awards as they would be decided now"),
    "awards_full_list": N_("All awards (host only)"),
    "no_winners": N_("No winner yet"),
    "tie_at_cut": N_("Tie at the cut: this award has more winners than planned."),
    "state_shown": N_("shown"),
    "state_next": N_("next"),
    "state_hidden": N_("hidden"),
    # command results
    "done": N_("Done: {action}"),
    "cmd_reorder": N_("Running order changed"),
    "cmd_start_project": N_("Project started"),
    "cmd_timer": N_("Timer"),
    "cmd_scene": N_("Projector scene"),
    "cmd_start_ceremony": N_("Start ceremony"),
    "cmd_ceremony_step": N_("Ceremony step"),
    "cmd_correct_score": N_("Score corrected"),
    "cmd_recuse": N_("Recusal changed"),
    "start_ceremony": N_("Start ceremony"),
    "confirm": N_("Confirm"),
    "confirm_reissue": N_(
        "Issue a new link for this judge? The old link and QR code stop working at once and their phone is "
        "disconnected; hand them the new card."
    ),
    "reissue": N_("Reissue link"),
    "copied": N_("Copied"),
    "copy_failed": N_("Could not copy — select the text and copy it by hand."),
    # joins names in a list ("A, B, C"); a translation may use another separator
    "list_separator": N_(", "),
}
