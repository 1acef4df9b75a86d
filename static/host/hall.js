// The host's settings for the hall (the `hall` command, docs/protocol.md): the projector's language
// and the ceremony's sound cues. A self-contained control for the host console: host.js mounts it
// with mountHallControls(container, live) and calls updateHallControls(view) on every view.

import { h, t } from "../live.js";

let refs = null;

/** Build the two controls inside `container`; `live` is the host's LiveConnection. */
export function mountHallControls(container, live) {
  const language = h(
    "select",
    { class: "hall-language", "data-testid": "hall-language", "aria-label": t("hall_language") },
    h("option", { value: "" }, t("hall_language_own")),
    h("option", { value: "zh", lang: "zh-Hans" }, "中文"),
    h("option", { value: "en", lang: "en" }, "English"),
  );
  const sound = h("input", { type: "checkbox", "data-testid": "hall-sound" });
  language.addEventListener("change", () => live.command("hall", { language: language.value || null }).catch(() => {}));
  sound.addEventListener("change", () => live.command("hall", { sound: sound.checked }).catch(() => {}));
  container.replaceChildren(
    h("label", { class: "hall-field" }, t("hall_language"), " ", language),
    h("label", { class: "hall-field" }, sound, " ", t("hall_sound")),
  );
  refs = { language, sound };
}

/** Show the settings the server holds (the `scene` section). */
export function updateHallControls(view) {
  if (!refs || !view.scene) return;
  refs.language.value = view.scene.language || "";
  refs.sound.checked = view.scene.sound !== false;
}
