// Shrink-to-fit for projector text: an element marked data-fit keeps its CSS size when it fits, and
// otherwise steps its font size down (to at most half) until it no longer overflows its box, or its
// data-fit-lines. Long 30–40-character project names then wrap in balanced lines (text-wrap: balance
// in board.css) at a smaller size instead of being clipped.

const MIN_SCALE = 0.5;
const STEP = 0.06;

function overflows(el, lines) {
  // (height is the job of data-fit-lines and of fitBox: CJK glyphs may overhang a tight line-height
  // by a pixel or two without anything being clipped)
  if (el.scrollWidth > el.clientWidth + 1) return true;
  if (!lines) return false;
  const lineHeight = parseFloat(getComputedStyle(el).lineHeight) || parseFloat(getComputedStyle(el).fontSize) * 1.2;
  return el.getBoundingClientRect().height > lineHeight * lines + 2;
}

export function fitText(el) {
  el.style.fontSize = "";
  if (!el.isConnected || el.offsetParent === null) return; // hidden: fitted when shown
  const lines = Number(el.dataset.fitLines) || 0;
  if (!overflows(el, lines)) return;
  const base = parseFloat(getComputedStyle(el).fontSize);
  for (let scale = 1 - STEP; scale >= MIN_SCALE; scale -= STEP) {
    el.style.fontSize = `${(base * scale).toFixed(1)}px`;
    if (!overflows(el, lines)) return;
  }
}

const boxOverflows = (box) => box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1;

/** A box (data-fit-box) whose texts together must fit its height: shrink all its data-fit texts by
 * the same steps until the box no longer overflows (the ceremony stage: award, place, name, team). */
export function fitBox(box) {
  const texts = [...box.querySelectorAll("[data-fit]")];
  if (!texts.length || box.offsetParent === null || !boxOverflows(box)) return;
  const bases = texts.map((el) => parseFloat(el.style.fontSize || getComputedStyle(el).fontSize));
  for (let scale = 1 - STEP; scale >= MIN_SCALE; scale -= STEP) {
    texts.forEach((el, i) => (el.style.fontSize = `${(bases[i] * scale).toFixed(1)}px`));
    if (!boxOverflows(box)) return;
  }
}

/** Fit every data-fit element under `root` (after a render, when a panel is shown, on resize). */
export function fitAll(root = document) {
  for (const el of root.querySelectorAll("[data-fit]")) fitText(el);
  for (const box of root.querySelectorAll("[data-fit-box]")) fitBox(box);
}

let resizeTimer = null;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => fitAll(document), 150);
});
