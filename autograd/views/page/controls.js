"use strict";
// What both step-through pages share (page.js and network.js come after this file):
// a box and an edge restyled, and the controls that move between steps.

// A box's fill and pen width, and its last lines.length texts: lines, centred, in a colour.
function styleBox(g, fill, width, lines, colour) {
  const shape = g.querySelector("path, polygon");
  shape.setAttribute("fill", fill);
  shape.setAttribute("stroke-width", width);
  const texts = g.querySelectorAll("text");
  const box = shape.getBBox();
  lines.forEach((line, i) => {
    const text = texts[texts.length - lines.length + i];
    text.setAttribute("text-anchor", "middle");
    text.setAttribute("x", box.x + box.width / 2);
    text.textContent = line;
    text.setAttribute("fill", colour);
  });
}

// An edge's lines and arrowhead in a colour, a pen width and a line style (solid or dashed).
function styleEdge(g, colour, width, style) {
  for (const shape of g.querySelectorAll("path, polygon")) {
    shape.setAttribute("stroke", colour);
    shape.setAttribute("stroke-width", width);
    if (shape.tagName === "polygon") shape.setAttribute("fill", colour);
    if (shape.tagName === "path") {
      if (style === "dashed") shape.setAttribute("stroke-dasharray", "5,2");
      else shape.removeAttribute("stroke-dasharray");
    }
  }
}

// The buttons, the slider, the keys and play over steps 0 .. count - 1; show(k) draws step k.
// `interval`: milliseconds a step while playing; `keys`: more keys and what they do;
// `active()`: whether the keys move the steps now. start() shows the step a link names.
function stepControls(count, show, {interval, keys = {}, active = () => true}) {
  const slider = document.getElementById("slider");
  const counter = document.getElementById("counter");
  const playButton = document.getElementById("play");
  const steps = {current: 0};
  let timer = null;
  slider.max = count - 1;

  steps.go = (k) => {
    k = Math.max(0, Math.min(count - 1, k));
    steps.current = k;
    slider.value = k;
    counter.textContent = "step " + (k + 1) + " of " + count;
    show(k);
  };

  steps.play = () => {
    if (timer) { clearInterval(timer); timer = null; playButton.innerHTML = "&#9654; play"; return; }
    if (steps.current >= count - 1) steps.go(0);
    playButton.innerHTML = "&#10074;&#10074; pause";
    timer = setInterval(() => {
      if (steps.current >= count - 1) { steps.play(); return; }
      steps.go(steps.current + 1);
    }, interval);
  };

  steps.pause = () => { if (timer) steps.play(); };

  document.getElementById("first").onclick = () => steps.go(0);
  document.getElementById("prev").onclick = () => steps.go(steps.current - 1);
  document.getElementById("next").onclick = () => steps.go(steps.current + 1);
  document.getElementById("last").onclick = () => steps.go(count - 1);
  playButton.onclick = steps.play;
  slider.oninput = () => steps.go(parseInt(slider.value, 10));
  document.addEventListener("keydown", (event) => {
    // the slider moves itself; typing an answer (an input of the quiz) moves nothing
    if (event.target instanceof HTMLInputElement || !active()) return;
    if (event.key === "ArrowRight") steps.go(steps.current + 1);
    else if (event.key === "ArrowLeft") steps.go(steps.current - 1);
    else if (event.key === "Home") steps.go(0);
    else if (event.key === "End") steps.go(count - 1);
    else if (event.key === " ") steps.play();
    else if (keys[event.key]) keys[event.key]();
    else return;
    event.preventDefault();
  });

  // A link can open a step: backward.html#step=7 (counted from 1, as the page counts).
  // A step that does not exist (#step=abc, 0, 99) opens the nearest one, and a note says so:
  // a learner who follows a stale link must not think step 1 is the step they were sent to.
  function stepFromLink() {
    const match = /step=([^&]*)/.exec(location.hash);
    if (!match) { linkNote(""); return 0; }
    const asked = decodeURIComponent(match[1]);
    const number = /^\s*[+-]?\d+(\.\d*)?\s*$/.test(asked) ? Math.round(parseFloat(asked)) : NaN;
    const k = Number.isNaN(number) ? 0 : Math.min(Math.max(number, 1), count) - 1;
    linkNote(number === k + 1 ? "" : "The link asks for step \u201c" + asked + "\u201d, which this page does not have"
      + " (its steps are 1 to " + count + "): showing step " + (k + 1) + ", the nearest.");
    return k;
  }
  function linkNote(text) {
    let note = document.getElementById("link-note");
    if (!note && !text) return;
    if (!note) {
      note = document.createElement("span");
      note.id = "link-note";
      note.setAttribute("role", "status");
      note.style.cssText = "display:inline-block;margin-left:8px;padding:2px 6px;background:#fff3cd;"
        + "border:1px solid #e0c060;border-radius:3px;font-size:13px;color:#5a4500";
      counter.after(note);
    }
    note.textContent = text;
    note.hidden = !text;
  }
  steps.start = () => {
    window.addEventListener("hashchange", () => steps.go(stepFromLink()));
    steps.go(stepFromLink());
  };
  return steps;
}
