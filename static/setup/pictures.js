// The setup page's pictures (issue 16): the event's logo and sponsor strip, each project's picture and
// each judge's portrait. Each is saved at once when chosen (POST /host/setup/media/<slot> with the
// file as the body; the server checks, resizes and re-encodes it: docs/security.md, "Pictures"), and
// a refused file says why and changes nothing. Self-contained: templates/setup.html loads it.
//
// Stable hooks (data-testid): picture-<slot> (one row; data-has = true | false), picture-file-<slot>,
// picture-remove-<slot>, picture-error-<slot>.

import { h, t, url } from "../live.js";

const list = document.getElementById("pictures-list");

function label(item) {
  if (item.kind === "logo") return t("picture_logo");
  if (item.kind === "sponsors") return t("picture_sponsors");
  return `${t(item.kind === "judge" ? "picture_judge" : "picture_project")}: ${item.name}`;
}

async function send(path, body, contentType) {
  const response = await fetch(url(path), {
    method: "POST",
    body,
    headers: contentType ? { "content-type": contentType } : {},
    credentials: "same-origin",
  });
  let answer = null;
  try {
    answer = await response.json();
  } catch (err) {
    answer = null;
  }
  if (!response.ok || !answer || !answer.ok) {
    throw new Error((answer && answer.error && answer.error.message) || t("picture_failed"));
  }
  return answer;
}

function row(item) {
  const id = item.slot.replace(/[^A-Za-z0-9_-]/g, "-");
  const error = h("p", { class: "field-error", role: "alert", "data-testid": `picture-error-${item.slot}`, hidden: true });
  const preview = item.url ? h("img", { class: "picture-preview", src: item.url, alt: "" }) : h("span", { class: "hint" }, t("picture_none"));
  const input = h("input", {
    type: "file",
    id: `picture-${id}`,
    accept: "image/png,image/jpeg,image/webp",
    "data-testid": `picture-file-${item.slot}`,
  });
  const remove = h("button", { type: "button", class: "btn btn-small btn-quiet", "data-testid": `picture-remove-${item.slot}`, hidden: !item.url }, t("picture_remove"));
  const li = h(
    "li",
    { class: "picture-row", "data-testid": `picture-${item.slot}`, "data-has": String(Boolean(item.url)) },
    h("label", { for: `picture-${id}`, class: "picture-label" }, label(item)),
    preview,
    input,
    remove,
    error
  );
  input.addEventListener("change", async () => {
    const file = input.files && input.files[0];
    if (!file) return;
    error.hidden = true;
    try {
      const answer = await send(`/host/setup/media/${item.slot}`, file, file.type || "application/octet-stream");
      li.replaceWith(row({ ...item, url: answer.url }));
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
      input.value = "";
    }
  });
  remove.addEventListener("click", async () => {
    try {
      await send(`/host/setup/media/${item.slot}/remove`, null, null);
      li.replaceWith(row({ ...item, url: null }));
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
    }
  });
  return li;
}

async function load() {
  if (!list) return;
  const response = await fetch(url("/host/setup/media.json"), { credentials: "same-origin" });
  if (!response.ok) return;
  const { slots } = await response.json();
  list.replaceChildren(...slots.map(row));
}

load();
