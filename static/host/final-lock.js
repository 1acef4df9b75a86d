// The final lock on the host console (app/domain/final_lock.py, docs/protocol.md "final_lock"):
// once the ceremony has started, corrections wait for "Reopen results" (with a reason); while
// reopened, the panel lists the awards the corrections would change, and "Re-decide awards" applies
// them and locks again. Kept apart from host.js so the ceremony's own controls stay untouched.
//
// data-testid: final-lock (the panel; data-state: locked | reopened), final-lock-status,
//   final-lock-changes (the preview list), reopen-results, redecide-awards
import { t, h } from "../live.js";

const $ = (id) => document.getElementById(id);

export function renderFinalLock(view, { online, isPending }) {
  const lock = view.final_lock;
  const panel = $("final-lock");
  if (!panel) return;
  panel.hidden = !lock || !(lock.locked || lock.reopened);
  if (panel.hidden) return;
  const reopened = Boolean(lock.reopened);
  panel.dataset.state = reopened ? "reopened" : "locked";
  $("final-lock-status").textContent = reopened
    ? t("lock_reopened", { reason: lock.reopened.reason })
    : t("lock_locked");
  $("reopen-results").hidden = reopened;
  $("reopen-results").disabled = !online() || isPending("reopen_results");
  $("redecide-awards").hidden = !reopened;
  $("redecide-awards").disabled = !online() || isPending("redecide_awards");
  const changes = lock.changes || [];
  $("final-lock-body").replaceChildren(
    !reopened
      ? ""
      : changes.length
        ? h(
            "div",
            null,
            h("p", null, t("lock_changes")),
            h(
              "ul",
              { "data-testid": "final-lock-changes" },
              changes.map((c) =>
                h(
                  "li",
                  { "data-award": c.award },
                  t("lock_before_after", {
                    award: c.name,
                    before: c.before.join(t("list_separator")) || "—",
                    after: c.after.join(t("list_separator")) || "—",
                  })
                )
              )
            )
          )
        : h("p", { class: "hint", "data-testid": "final-lock-changes" }, t("lock_no_change"))
  );
}

export function bindFinalLock({ ask, run }) {
  const reopen = $("reopen-results");
  if (!reopen) return;
  reopen.addEventListener("click", async () => {
    const { ok, reason } = await ask({ message: t("confirm_reopen"), okLabel: t("reopen_results"), danger: true, reason: true });
    if (ok) run("reopen_results", "reopen_results", { reason });
  });
  $("redecide-awards").addEventListener("click", async () => {
    const { ok } = await ask({ message: t("confirm_redecide"), okLabel: t("redecide_awards"), danger: true });
    if (ok) run("redecide_awards", "redecide_awards");
  });
}
