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
    "earlier_rounds": N_("Earlier rounds"),
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
    "cmd_reopen_results": N_("Results reopened"),
    "cmd_redecide_awards": N_("Awards re-decided"),
    # the final lock (static/host/final-lock.js)
    "lock_locked": N_("Final: corrections need a reopening"),
    "lock_reopened": N_("Reopened: {reason}"),
    "lock_no_change": N_("No award would change."),
    "lock_changes": N_("These awards would change:"),
    "lock_before_after": N_("{award}: {before} → {after}"),
    "confirm_reopen": N_(
        "Reopen the results? Corrections are accepted again, the ceremony waits, and you decide the awards again "
        "at the end. The reason is kept in the audit log."
    ),
    "reopen_results": N_("Reopen results"),
    "confirm_redecide": N_("Decide the awards from the current standings and lock the results again?"),
    "redecide_awards": N_("Re-decide awards"),
    "start_ceremony": N_("Start ceremony"),
    "confirm": N_("Confirm"),
    "confirm_reissue": N_(
        "Issue a new link for this judge? The old link and QR code stop working at once and their phone is "
        "disconnected; hand them the new card."
    ),
    "reissue": N_("Reissue link"),
    "copied": N_("Copied"),
    "copy_failed": N_("Could not copy — select the text and copy it by hand."),
    # issue 13: guards on stage (static/host/actions.js, render-strip.js)
    "start_now": N_("Start now"),
    "return_to": N_("Return to this project"),
    "row_menu": N_("More"),
    "row_menu_named": N_("More actions: {title}"),
    "confirm_interrupt": N_(
        "“{current}” is on stage ({phase}). Start “{title}” instead? “{current}” keeps its timers, and you can "
        "return to it from its row in the running order."
    ),
    "confirm_interrupt_scoring": N_(
        "Scoring for “{current}” is open. Starting “{title}” closes it: judges who have not submitted cannot "
        "score it until you reopen it. Its timers are kept."
    ),
    "started_named": N_("Started: {title}"),
    "cmd_undo_start": N_("Start undone"),
    "stale_stage": N_("What is on stage has changed since this dialog opened (another tab or window). Check again."),
    "stale_not_open": N_("Scoring is no longer open: it was closed in another tab or window. Nothing to do."),
    "stale_generic": N_("No longer possible: the event has moved on (another tab or window). Check again."),
    "stale_remaining": N_("The number of projects not revealed is now {n}. Cancel and check again."),
    "not_submitted": N_("Not submitted:"),
    "close_all_in": N_("Every judge has submitted."),
    "close_missing": N_("Not submitted yet: {names}."),
    "close_offline_warning": N_(
        "An offline judge may have a score waiting on their phone: once you close, it is refused and shown "
        "here, and you can take it in by a correction."
    ),
    "close_outlier": N_(
        "Check before the reveal: {judge} gave {total}, about {reference} was expected from the rest of the panel."
    ),
    "judge_offline_for": N_("{name} (offline {duration})"),
    "judge_never_seen": N_("{name} (not connected yet)"),
    "offline_for": N_("offline {duration}"),
    "offline_unknown": N_("not seen yet"),
    "minutes_short": N_("{n} min"),
    "seconds_short": N_("{n} s"),
    "recuse_below_min": N_("This leaves {remaining} of {total} judges; the minimum is {minimum}."),
    "refused_line": N_("Refused after close: {judge} {total} for “{project}”"),
    "take_in": N_("Take it in by correction"),
    "judges_heading": N_("Judges"),
    "jstate_submitted": N_("submitted"),
    "jstate_scoring": N_("scoring"),
    "jstate_connected": N_("waiting"),
    "jstate_disconnected": N_("waiting, offline"),
    "jstate_recused": N_("recused"),
    "ceremony_next": N_("Reveal next award"),
    "ceremony_ready": N_(
        "Every project has been revealed. Start the award ceremony? The awards are decided now from the "
        "complete ranking."
    ),
    "skip_and_start": N_("Skip the remaining {n} projects and start the ceremony…"),
    "confirm_skip": N_(
        "{n} projects have not been revealed: {titles}. Starting the ceremony now skips them: they are not "
        "presented or revealed, and the awards are decided from the projects scored so far, not a complete "
        "ranking. The audit log records this choice."
    ),
    "type_to_confirm": N_("Type {n} to confirm"),
    "skip_ok": N_("Skip {n} and start the ceremony"),
    "hold_label": N_("Press and hold: {action}"),
    "and_more": N_("{list} and {n} more"),
    "leave_ceremony": N_("Back to the running order"),
    "cmd_leave_ceremony": N_("Back to the running order"),
    "confirm_leave": N_(
        "Leave the ceremony and return to the running order? No award has been shown; the awards are decided "
        "again when the ceremony starts."
    ),
    # joins names in a list ("A, B, C"); a translation may use another separator
    "list_separator": N_(", "),
    # the audience vote (static/host/vote.js)
    "vote_open": N_("Open voting"),
    "vote_open_for": N_("Open rating of {title}"),
    "vote_reveal": N_("Reveal the vote"),
    "vote_confirm_reveal": N_("Show the audience vote on the board now? {n} votes from {voters} phones."),
    "vote_state_open": N_("Voting open"),
    "vote_state_open_for": N_("Rating open: {title}"),
    "vote_state_closed": N_("Voting closed"),
    "vote_cast": N_("{n} votes from {voters} phones"),
    "vote_waiting": N_("{n} votes being saved"),
    "vote_tickets_issued": N_("{n} tickets issued"),
    "vote_address": N_("{n} phones from address {address}"),
    "vote_refused_ticket_spent": N_("{n} tries with a ticket already used on another phone"),
    "vote_refused_ticket_unknown": N_("{n} tries with an unknown ticket code"),
    "vote_refused_address_cap": N_("{n} phones refused: too many from one address"),
    "vote_refused_rate_limited": N_("{n} votes refused: sent too fast"),
    "vote_refused_vote_limit": N_("{n} votes refused: too many changes from one phone"),
    "vote_nothing_suspicious": N_("Nothing unusual so far."),
}

from .stage import HOST as _STAGE  # noqa: E402  (issue 16: commentary, break, thanks, overlay)

STRINGS |= _STAGE
