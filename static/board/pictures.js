// Pictures on the board (issue 16): a project's picture in the presenting and result scenes, the
// event's logo on the welcome scene, the sponsor strip on the welcome and thanks scenes, a judge's
// portrait on the commentary scene. URLs come from the sections (app/domain/media.py) and change with
// the picture, so the browser caches each for good. Every picture is decorative beside its text
// (alt=""): the name it shows is always written next to it.
//
// Stable hooks (data-testid): board-picture (data-slot), board-logo, board-sponsors.

import { h, url as under } from "../live.js";

/** An <img> for a picture URL from the view, or null when there is none. */
export function picture(url, cls, testid, slot) {
  if (typeof url !== "string" || !url.startsWith("/media/")) return null; // only our own pictures
  return h("img", { class: cls, src: under(url), alt: "", decoding: "async", "data-testid": testid, "data-slot": slot || null });
}

/** The project's picture of the view's project `id`, for a scene. */
export function projectPicture(view, id, cls) {
  const p = (view.projects || []).find((x) => x.id === id);
  return p ? picture(p.picture, cls, "board-picture", `project:${id}`) : null;
}

/** Put `img` (or nothing) into `container` as its picture, marking the container while it has one. */
export function placePicture(container, img, markClass = "has-picture") {
  if (!container) return;
  for (const old of container.querySelectorAll(":scope > [data-testid='board-picture']")) old.remove();
  container.classList.toggle(markClass, Boolean(img));
  if (img) container.append(img);
}

/** The welcome scene's logo and the sponsor strip (welcome and thanks). */
export function eventPictures(view) {
  const ev = view.event || {};
  return {
    logo: picture(ev.logo, "board-logo", "board-logo", "logo"),
    sponsors: picture(ev.sponsors, "board-sponsors", "board-sponsors", "sponsors"),
  };
}
