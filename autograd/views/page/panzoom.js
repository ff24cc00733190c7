"use strict";
// Pan and zoom for a drawing too wide to read at a page's width (the scalar view is
// thousands of points wide): the wheel zooms around the pointer, a drag pans, and the
// buttons zoom in, out, or fit the whole drawing. Only the SVG's viewBox changes, so
// every id, colour and label the steps restyle stays where it is.

// Makes `svg` zoomable inside `host` (sized by the page); puts + − fit buttons into `bar`.
// Returns {fit(), zoomTo(box), zoomToIds(ids), keep(id), view}: box in the drawing's own units.
// `keys: false` leaves the + − 0 keys alone (a widget redraws its picture at every step).
function panZoom(svg, host, bar, {keys = true} = {}) {
  const whole = svg.viewBox.baseVal;
  const full = {x: whole.x, y: whole.y, w: whole.width, h: whole.height};
  let view = {...full};
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  svg.style.width = "100%";
  svg.style.height = "100%";
  svg.style.maxWidth = "none";
  svg.style.cursor = "grab";
  svg.style.touchAction = "none";
  svg.setAttribute("preserveAspectRatio", "xMidYMid meet");

  function apply() {
    svg.setAttribute("viewBox", view.x + " " + view.y + " " + view.w + " " + view.h);
  }
  // drawing units per screen pixel, as "meet" scales the viewBox into the element
  function unitsPerPixel() {
    const r = svg.getBoundingClientRect();
    return Math.max(view.w / Math.max(r.width, 1), view.h / Math.max(r.height, 1));
  }
  function toDrawing(clientX, clientY) {
    const r = svg.getBoundingClientRect();
    const s = unitsPerPixel();
    return [view.x + (clientX - r.left - (r.width - view.w / s) / 2) * s,
            view.y + (clientY - r.top - (r.height - view.h / s) / 2) * s];
  }
  // an element's box in drawing units (Graphviz draws inside a translated group: read it on screen)
  function boxOf(id) {
    const g = svg.getElementById(id);
    if (!g) return null;
    const r = g.getBoundingClientRect();
    if (!r.width && !r.height) return null;
    const [x1, y1] = toDrawing(r.left, r.top);
    const [x2, y2] = toDrawing(r.right, r.bottom);
    return {x: x1, y: y1, w: x2 - x1, h: y2 - y1};
  }
  function zoom(factor, x, y) {
    // no closer than 1/8 of a point a pixel, no farther than twice the whole drawing
    const w = Math.min(Math.max(view.w * factor, full.w / 64), full.w * 2);
    factor = w / view.w;
    if (x === undefined) { x = view.x + view.w / 2; y = view.y + view.h / 2; }
    view = {x: x - (x - view.x) * factor, y: y - (y - view.y) * factor, w: view.w * factor, h: view.h * factor};
    apply();
  }
  const api = {
    fit() { view = {...full}; apply(); },
    zoomIn() { zoom(1 / 1.4); },
    zoomOut() { zoom(1.4); },
    // the box (drawing units) framed with a margin, at most at the drawing's own size
    zoomTo(box) {
      const r = svg.getBoundingClientRect();
      const margin = 20;
      let w = box.w + 2 * margin, h = box.h + 2 * margin;
      const aspect = Math.max(r.width, 1) / Math.max(r.height, 1);
      // at least 1 drawing unit a pixel (its own size), so a small box is not blown up
      w = Math.max(w, h * aspect, r.width * 0.75);
      h = w / aspect;
      view = {x: box.x + box.w / 2 - w / 2, y: box.y + box.h / 2 - h / 2, w: w, h: h};
      apply();
    },
    zoomToIds(ids) {
      let box = null;
      for (const id of ids) {
        const b = boxOf(id);
        if (!b) continue;
        box = box ? {x: Math.min(box.x, b.x), y: Math.min(box.y, b.y),
                     r: Math.max(box.r, b.x + b.w), b: Math.max(box.b, b.y + b.h)}
                  : {x: b.x, y: b.y, r: b.x + b.w, b: b.y + b.h};
      }
      if (box) api.zoomTo({x: box.x, y: box.y, w: box.r - box.x, h: box.b - box.y});
    },
    // zoomed in, pan so the element with this id is in sight (no id: just redraw)
    keep(id) {
      const b = id ? boxOf(id) : null;
      if (b && !(b.x >= view.x && b.y >= view.y && b.x + b.w <= view.x + view.w && b.y + b.h <= view.y + view.h)) {
        view = {...view, x: b.x + b.w / 2 - view.w / 2, y: b.y + b.h / 2 - view.h / 2};
      }
      apply();
    },
    moved: false,  // the last press was a drag: the click it ends must not open anything
    // where it looks, to carry over to the next step's picture (null while it fits)
    get view() { return view.w === full.w && view.x === full.x && view.y === full.y ? null : {...view}; },
    set view(v) { if (v) { view = {...v}; apply(); } },
  };

  svg.addEventListener("wheel", (event) => {
    event.preventDefault();
    const [x, y] = toDrawing(event.clientX, event.clientY);
    zoom(Math.pow(1.0015, event.deltaY), x, y);
  }, {passive: false});
  let drag = null;
  svg.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    drag = {x: event.clientX, y: event.clientY, view: {...view}, s: unitsPerPixel()};
    api.moved = false;
  });
  window.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (!api.moved && Math.hypot(dx, dy) < 4) return;
    if (!api.moved) { api.moved = true; svg.style.cursor = "grabbing"; }
    view = {...drag.view, x: drag.view.x - dx * drag.s, y: drag.view.y - dy * drag.s};
    apply();
  });
  window.addEventListener("pointerup", () => { drag = null; svg.style.cursor = "grab"; });
  // a drag that ends on a neuron is a pan, not a click on it
  svg.addEventListener("click", (event) => {
    if (api.moved) { event.stopPropagation(); event.preventDefault(); api.moved = false; }
  }, true);

  if (bar) {
    const buttons = [["zoom-in", "+", "zoom in (+, or the wheel)", api.zoomIn],
                     ["zoom-out", "\u2212", "zoom out (\u2212, or the wheel)", api.zoomOut],
                     ["zoom-fit", "fit", "the whole drawing (0); drag to pan", api.fit]];
    for (const [id, text, title, act] of buttons) {
      const b = document.createElement("button");
      b.id = id; b.textContent = text; b.title = title; b.onclick = act;
      bar.appendChild(b);
    }
  }
  if (keys) document.addEventListener("keydown", (event) => {
    if (event.target.tagName === "INPUT" || host.hidden || host.offsetParent === null) return;
    if (event.key === "+" || event.key === "=") api.zoomIn();
    else if (event.key === "-") api.zoomOut();
    else if (event.key === "0") api.fit();
  });
  apply();
  return api;
}
