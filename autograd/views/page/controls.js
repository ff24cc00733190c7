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
    if (event.target === slider || !active()) return;
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
  function stepFromLink() {
    const match = /step=(\d+)/.exec(location.hash);
    return match ? Math.min(Math.max(parseInt(match[1], 10) - 1, 0), count - 1) : 0;
  }
  steps.start = () => {
    window.addEventListener("hashchange", () => steps.go(stepFromLink()));
    steps.go(stepFromLink());
  };
  return steps;
}
