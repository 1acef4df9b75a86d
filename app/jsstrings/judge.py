"""Strings used only by static/judge.js (translated by the template; see app/i18n.py).

Placeholders in braces ({total}, {time}, ...) are filled in by the page; keep them in translations.
"""

from ..i18n import N_

STRINGS: dict[str, str] = {
    "recused_detail": N_("The host has recused you from this project (conflict of interest); you do not score it."),
    # connection
    "unauthorized": N_("This judge link is not valid. Ask the host for your current link or QR code."),
    "unauthorized_title": N_("This judge link is not valid"),
    # project and timer
    "position_of": N_("Project {position} of {count}"),
    "next_project": N_("Next: {title}"),
    "not_started": N_("Not started"),
    "timer_of": N_("{name}: {clock}"),
    # scoring phase
    "draft_hint": N_("You can already fill in your scores; you can submit once scoring opens."),
    "closed_hint": N_("Scores for this project can no longer be changed."),
    "progress": N_("{submitted} of {expected} judges have scored"),
    # rubric
    "increase": N_("Increase {criterion}"),
    "decrease": N_("Decrease {criterion}"),
    "range": N_("0 to {max}, in steps of {step}"),
    "weighted": N_("counts ×{weight}"),
    "adjusted": N_("Adjusted to {value} (allowed: 0 to {max}, in steps of {step})."),
    "not_a_number": N_("Please enter a number."),
    "not_scored": N_("Not scored yet"),
    "scored_count": N_("{done} of {count} scored"),
    "missing": N_("Please score every criterion first. Missing: {names}"),
    "list_separator": N_(", "),
    # review and submit
    "review_of": N_("Project: {title}"),
    "no_comment": N_("No comment"),
    "cannot_submit_yet": N_("Scoring has not opened yet: you cannot submit this score yet."),
    "cannot_submit_closed": N_("Scoring is closed: this score can no longer be submitted."),
    "cannot_submit_offline": N_("You can submit now: the score will be sent when the connection returns."),
    # save state
    "will_send": N_("Not saved yet — will be sent when the connection returns"),
    "kept_on_phone": N_("Your score is kept on this phone. Keep this page open."),
    "saving_detail": N_("Waiting for the server to confirm…"),
    "saved_total": N_("Total {total} · saved at {time}"),
    "saved_amend": N_("You can amend your score until scoring closes."),
    "not_saved_title": N_("Your score was NOT saved"),
    "not_saved_keep": N_("Your scores are still in the form. Correct them if needed and submit again."),
    "changed": N_("You have changed your scores since you submitted them. Submit again to save the changes."),
    "submitted_was": N_("Submitted: total {total} at {time}"),
    "closed_unsent": N_("Scoring closed before these changes were submitted."),
    "other_failed": N_("Your score for “{title}” was not saved: {message}"),
    "sending_short": N_("Sending…"),
    "saved_short": N_("Saved"),
    "changed_short": N_("Changes not submitted"),
    # my scores
    "amended": N_("amended"),
    "my_total": N_("{total} / {max}"),
    "dismiss": N_("Dismiss"),
    # the ack error `scoring_closed` (docs/protocol.md): the score reached the server after close
    "score_not_counted": N_("Scoring closed — your score was not counted; tell the host."),
    # the phase bar and the cards of judge/state.js
    "phase_waiting": N_("Waiting for the next project"),
    "phase_saved": N_("Saved at {time}"),
    "event_finished": N_("The event is finished"),
    "project_done": N_("Scored project"),
    "stale": N_("not live while offline"),
    "type_or_hold": N_("type the number, or hold − / +"),
    "submitted_summary": N_("✓ Submitted {total}"),
    "amend_button": N_("Amend"),
    "refused_title": N_("Scoring closed — your score was not counted"),
    "refused_detail": N_("Tell the host: only the host can still take this score in, as a correction."),
    "refused_numbers": N_("The score that was not counted: total {total}"),
    "missed": N_("You did not submit a score for this project."),
    "thanks_title": N_("Thank you for judging!"),
    "thanks_detail": N_("Scoring is over. The scores you gave are listed below."),
    "synced": N_("Sent and saved ✓"),
}

from .stage import JUDGE as _STAGE  # noqa: E402  (issue 16: commentary, break, thanks, overlay)

STRINGS |= _STAGE
