"use strict";
// The page shows one laid-out picture and recolours and relabels it per step.
// data.frames[0] holds every node and edge; each later frame only what changed.
// node: [index, fill, pen width, grad text, grad colour, op fill or null]
// edge: [index, label, colour, line style, pen width]; data.edges[index] = [child, slot, slots]
const data = JSON.parse(document.getElementById("frames").textContent);
const frames = data.frames;
const graph = document.getElementById("graph");
const svg = graph.querySelector("svg");
const slider = document.getElementById("slider");
const counter = document.getElementById("counter");
const narration = document.getElementById("narration");
const playButton = document.getElementById("play");
let current = 0;
let timer = null;

document.title = "stepgrad: the backward pass of " + data.title;
document.getElementById("title").innerHTML = "The backward pass of " + data.titleHtml + ", one node at a time";
slider.max = frames.length - 1;

function setNode(n) {
  const g = svg.getElementById("v" + n[0]);
  if (!g) return;
  const shape = g.querySelector("path, polygon");
  shape.setAttribute("fill", n[1]);
  shape.setAttribute("stroke-width", n[2]);
  const texts = g.querySelectorAll("text");
  const grad = texts[texts.length - 1];
  const box = shape.getBBox();
  grad.setAttribute("text-anchor", "middle");
  grad.setAttribute("x", box.x + box.width / 2);
  grad.textContent = n[3];
  grad.setAttribute("fill", n[4]);
  if (n[5]) {
    const op = svg.getElementById("o" + n[0]);
    const opShape = op && op.querySelector("path, polygon");
    if (opShape) opShape.setAttribute("fill", n[5]);
  }
}

function setEdge(e) {
  const g = svg.getElementById("e" + e[0]);
  if (!g) return;
  for (const shape of g.querySelectorAll("path, polygon")) {
    shape.setAttribute("stroke", e[2]);
    shape.setAttribute("stroke-width", e[4]);
    if (shape.tagName === "polygon") shape.setAttribute("fill", e[2]);
    if (shape.tagName === "path") {
      if (e[3] === "dashed") shape.setAttribute("stroke-dasharray", "5,2");
      else shape.removeAttribute("stroke-dasharray");
    }
  }
  // the edge's text sits in its row of the op node it enters
  const [child, slot, slots] = data.edges[e[0]];
  const op = svg.getElementById("o" + child);
  if (!op) return;
  const texts = op.querySelectorAll("text");
  const label = texts[texts.length - slots + slot];
  if (label) { label.textContent = e[1]; label.setAttribute("fill", e[2]); }
}

function show(k) {
  k = Math.max(0, Math.min(frames.length - 1, k));
  for (let i = 0; i <= k; i++) {
    frames[i].n.forEach(setNode);
    frames[i].e.forEach(setEdge);
  }
  current = k;
  slider.value = k;
  counter.textContent = "step " + (k + 1) + " of " + frames.length;
  narration.innerHTML = frames[k].html;
  narration.title = frames[k].say;  // as typed, labels in their TeX-like form
  if (!graph.classList.contains("fit")) {
    const node = svg.getElementById("v" + frames[k].c);
    if (node) node.scrollIntoView({block: "center", inline: "center"});
  }
}

function zoom() {
  const fit = graph.classList.toggle("fit");
  // full size: the drawing's own width in points (1 pt of Graphviz = 1 unit of its viewBox)
  svg.style.width = fit ? "" : svg.viewBox.baseVal.width + "pt";
  svg.style.maxWidth = fit ? "" : "none";
  document.getElementById("zoom").textContent = fit ? "full size" : "fit the page";
  show(current);
}

function play() {
  if (timer) { clearInterval(timer); timer = null; playButton.innerHTML = "&#9654; play"; return; }
  if (current >= frames.length - 1) show(0);
  playButton.innerHTML = "&#10074;&#10074; pause";
  timer = setInterval(() => {
    if (current >= frames.length - 1) { play(); return; }
    show(current + 1);
  }, 700);
}

document.getElementById("first").onclick = () => show(0);
document.getElementById("prev").onclick = () => show(current - 1);
document.getElementById("next").onclick = () => show(current + 1);
document.getElementById("last").onclick = () => show(frames.length - 1);
playButton.onclick = play;
document.getElementById("zoom").onclick = zoom;
slider.oninput = () => show(parseInt(slider.value, 10));
document.addEventListener("keydown", (event) => {
  if (event.target === slider) return;
  if (event.key === "ArrowRight") show(current + 1);
  else if (event.key === "ArrowLeft") show(current - 1);
  else if (event.key === "Home") show(0);
  else if (event.key === "End") show(frames.length - 1);
  else if (event.key === " ") play();
  else if (event.key === "z") zoom();
  else return;
  event.preventDefault();
});
// A link can open a step: backward.html#step=7 (counted from 1, as the page counts).
function stepFromLink() {
  const match = /step=(\d+)/.exec(location.hash);
  return match ? Math.min(Math.max(parseInt(match[1], 10) - 1, 0), frames.length - 1) : 0;
}
window.addEventListener("hashchange", () => show(stepFromLink()));
show(stepFromLink());
