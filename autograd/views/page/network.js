// The network page: one laid-out picture of the units, recoloured and relabelled per step.
// data.frames[0] holds every unit and connection; each later frame only what changed.
// unit: [index, fill, pen width, [∂C/∂a rows], colour]; connection: [index, colour, pen width, style, message]
// A click on a unit opens its detail: its own scalar nodes at this step (data.details), the
// grads of its parameters, and the chain rule path by path.
const data = JSON.parse(document.getElementById("data").textContent);
const frames = data.frames;
const svg = document.querySelector("#network svg");
const narration = document.getElementById("narration");
const panel = document.getElementById("detail");
let selected = -1;
const rows = data.units.map(() => []); // each unit's ∂C/∂a rows as last shown
// with a quiz (quiz.js), a step's own ∂C/∂a and messages stay hidden until it is answered
const quiz = data.quiz ? quizControls(data.quiz, () => show(steps.current)) : null;
const hiddenUnit = (u) => quiz !== null && quiz.hidden(data.units[u].step);

document.title = "stepgrad: the backward pass of " + data.title + ", neuron by neuron";
document.getElementById("title").innerHTML = "The backward pass of " + data.titleHtml + ", neuron by neuron";

// wheel, drag and the + − fit buttons: the picture fits the space beside the detail
const zoom = panZoom(svg, document.getElementById("network"), document.getElementById("zoombar"));

function setUnit(u) {
  const g = svg.getElementById("u" + u[0]);
  if (!g) return;
  let lines = Array.from({length: data.units[u[0]].rows}, (_, i) => u[3][i] || "");
  if (hiddenUnit(u[0]) && lines[0]) lines = lines.map((line, i) => (i ? "" : line.split(" = ")[0] + " = ?"));
  styleBox(g, u[1], u[2], lines, u[4]);
  rows[u[0]] = u[3];
}

function setConnection(c) {
  const edge = svg.getElementById("c" + c[0]);
  if (edge) styleEdge(edge, c[1], c[2], c[3]);
  const label = svg.getElementById("m" + c[0]);
  if (label) {
    const text = label.querySelector("text");
    // a message is sent at its target's step: hidden while that step is shown unanswered
    // (earlier steps' messages show, so a step can be answered out of order)
    const sender = data.units[data.links[c[0]][1]].step;
    text.textContent = c[4] && sender === painted && hiddenUnit(data.links[c[0]][1]) ? "\u2190 ?" : c[4];
    text.setAttribute("fill", c[1]);
    label.setAttribute("visibility", c[4] ? "visible" : "hidden");
  }
}

let painted = 0;  // the step being painted
function paint(k) {
  painted = k;
  // frame 0 holds the whole state, every later one only its changes
  for (let i = 0; i <= k; i++) {
    frames[i].u.forEach(setUnit);
    frames[i].k.forEach(setConnection);
  }
  if (quiz) quiz.show(k);
  narration.innerHTML = quiz && quiz.hidden(k) ? quiz.ask(k, frames.length) : frames[k].say;
  if (selected >= 0 && detailHidden()) closeDetail();
  if (selected >= 0) fillDetail(selected);
}

// -- a unit's detail ------------------------------------------------------------------

function setDetailNode(n) {
  const g = document.getElementById("dv" + n[0]);
  if (!g) return;
  styleBox(g, n[1], n[2], [n[3]], n[4]);
}

function setDetailEdge(e) {
  const g = document.getElementById("de" + e[0]);
  if (!g) return;
  styleEdge(g, e[2], e[4], e[3]);
  // a label is two rows (product, then "= message"), each its own text; a pending one has one
  const rows = e[1].split("\n");
  g.querySelectorAll("text").forEach((text, i) => {
    text.textContent = rows[i] || "";
    text.setAttribute("fill", e[2]);
  });
}

function fillDetail(u) {
  const unit = data.units[u];
  document.getElementById("detail-title").innerHTML = unit.name + (unit.group ? " <small>(" + unit.group + ")</small>" : "");
  const current = steps.current;
  const state = unit.step < 0 ? "target" : unit.step > current ? "waiting" : unit.step === current ? "current" : "done";
  const words = data.states[state].replace("{step}", unit.step + 1);
  document.getElementById("detail-state").textContent = words[0].toUpperCase() + words.slice(1) + ".";
  document.getElementById("detail-grad").textContent = rows[u].join(" ");
  const table = document.getElementById("detail-params");
  table.innerHTML = "";
  for (const [name, value, grad] of unit.params) {
    const row = table.insertRow();
    row.insertCell().innerHTML = name + " = " + value;
    const ready = unit.step >= 0 && unit.step <= current;
    row.insertCell().innerHTML = ready ? "∂" + data.rootHtml + "/∂" + name + " = " + grad
      : "<span class='hint'>its grad arrives at step " + (unit.step + 1) + "</span>";
  }
  const box = document.getElementById("detail-graph");
  const detail = unit.detail >= 0 ? data.details[unit.detail] : null;
  if (detail) {
    if (box.dataset.unit !== String(u)) { box.innerHTML = detail.svg; box.dataset.unit = String(u); }
    for (let i = 0; i <= current; i++) {
      detail.states[i].n.forEach(setDetailNode);
      detail.states[i].e.forEach(setDetailEdge);
    }
    document.getElementById("detail-explain").innerHTML = detail.explain;
  } else {
    box.innerHTML = "";
    box.dataset.unit = "";
    document.getElementById("detail-explain").innerHTML = "";
  }
}

// a detail shows the numbers of every step up to this one: in a quiz, only once they are answered
function detailHidden() {
  return quiz !== null && quiz.answered.slice(0, steps.current + 1).some((done) => !done);
}

function openDetail(u) {
  if (detailHidden()) {
    narration.innerHTML = quiz.ask(steps.current, frames.length)
      + " <i>(A neuron's detail opens once the steps up to this one are answered.)</i>";
    return;
  }
  if (selected >= 0) svg.getElementById("u" + selected).classList.remove("selected");
  selected = u;
  svg.getElementById("u" + u).classList.add("selected");
  panel.hidden = false;
  fillDetail(u);
  // the picture narrows beside the panel: frame the neuron, its neighbours and its messages
  zoom.zoomToIds(neighbourhood(u));
}

// the ids of unit u, the units it is connected to, and those connections with their messages
function neighbourhood(u) {
  const ids = ["u" + u];
  data.links.forEach(([source, target], j) => {
    if (source === u || target === u) ids.push("c" + j, "m" + j, "u" + (source === u ? target : source));
  });
  return ids;
}

function closeDetail() {
  if (selected >= 0) svg.getElementById("u" + selected).classList.remove("selected");
  selected = -1;
  panel.hidden = true;
  zoom.fit();
}

data.units.forEach((unit, u) => {
  const g = svg.getElementById("u" + u);
  if (g) g.addEventListener("click", () => openDetail(u));
});
document.getElementById("close").onclick = closeDetail;

// -- the scalar view, in a frame of its own ---------------------------------------------

function showView(name) {
  const network = name === "network";
  document.getElementById("network").hidden = !network;
  document.getElementById("stepping").hidden = !network;
  narration.hidden = !network;
  document.getElementById("scalar").hidden = network;
  document.getElementById("show-network").classList.toggle("on", network);
  document.getElementById("show-scalar").classList.toggle("on", !network);
  if (!network) {
    closeDetail();
    steps.pause();
    const box = document.getElementById("scalar");
    // the scalar view opens where the network view is: the current neuron's own Values, framed
    const k = steps.current;
    const focus = () => {
      const page = box.firstChild.contentWindow;
      if (!page || !page.show) return;
      page.show(frames[k].scalar);
      page.zoom.zoomToIds(data.units[frames[k].c].scalar.flatMap((i) => ["v" + i, "o" + i]));
    };
    if (!box.firstChild) {
      const frame = document.createElement("iframe");
      frame.title = "the scalar view: every Value and op";
      frame.addEventListener("load", focus);
      frame.srcdoc = JSON.parse(document.getElementById("scalar-page").textContent);
      box.appendChild(frame);
    } else {
      focus();
    }
  }
}
document.getElementById("show-network").onclick = () => showView("network");
document.getElementById("show-scalar").onclick = () => showView("scalar");
if (!document.getElementById("scalar-page").textContent.trim()) document.querySelector(".views").hidden = true;

// -- stepping ----------------------------------------------------------------------------

const steps = stepControls(frames.length, paint, {
  interval: 1200,
  keys: {Escape: closeDetail},
  active: () => !document.getElementById("network").hidden,
});
// step k, as the buttons, the slider and the keys show it
function show(k) { steps.go(k); }

steps.start();
