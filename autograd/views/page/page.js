// The page shows one laid-out picture and recolours and relabels it per step.
// data.frames[0] holds every node and edge; each later frame only what changed.
// node: [index, fill, pen width, grad text, grad colour, op fill or null]
// edge: [index, label, colour, line style, pen width]; data.edges[index] = [child, slot, slots]
const data = JSON.parse(document.getElementById("frames").textContent);
const frames = data.frames;
const graph = document.getElementById("graph");
const svg = graph.querySelector("svg");
const narration = document.getElementById("narration");
// with a quiz (quiz.js), a step's own sum and messages stay hidden until it is answered
const quiz = data.quiz ? quizControls(data.quiz, () => show(steps.current)) : null;
const stepAt = [];  // node index -> the step that processes it
frames.forEach((f, k) => { stepAt[f.c] = k; });

document.title = "stepgrad: the backward pass of " + data.title;
document.getElementById("title").innerHTML = "The backward pass of " + data.titleHtml + ", one node at a time";

function setNode(n) {
  const g = svg.getElementById("v" + n[0]);
  if (!g) return;
  styleBox(g, n[1], n[2], [quiz && quiz.hidden(stepAt[n[0]]) ? "grad = ?" : n[3]], n[4]);
  if (n[5]) {
    const op = svg.getElementById("o" + n[0]);
    const opShape = op && op.querySelector("path, polygon");
    if (opShape) opShape.setAttribute("fill", n[5]);
  }
}

function setEdge(e) {
  const g = svg.getElementById("e" + e[0]);
  if (!g) return;
  styleEdge(g, e[2], e[4], e[3]);
  // the edge's text sits in its row of the op node it enters
  const [child, slot, slots] = data.edges[e[0]];
  const op = svg.getElementById("o" + child);
  if (!op) return;
  const texts = op.querySelectorAll("text");
  const label = texts[texts.length - slots + slot];
  // a message the step shown sends, before it is answered: its local derivative only (known
  // before the step); earlier steps' messages show, so a step can be answered out of order
  const text = quiz && stepAt[child] === painted && quiz.hidden(painted) ? data.quiz.edges[e[0]] : e[1];
  if (label) { label.textContent = text; label.setAttribute("fill", e[2]); }
}

let painted = 0;  // the step being painted
function paint(k) {
  painted = k;
  for (let i = 0; i <= k; i++) {
    frames[i].n.forEach(setNode);
    frames[i].e.forEach(setEdge);
  }
  if (quiz) quiz.show(k);
  if (quiz && quiz.hidden(k)) {
    narration.innerHTML = quiz.ask(k, frames.length);
    narration.title = narration.textContent;
  } else {
    narration.innerHTML = frames[k].html;
    narration.title = frames[k].say;  // as typed, labels in their TeX-like form
  }
  zoom.keep("v" + frames[k].c);  // zoomed in, the node being processed stays in sight
}

// wheel, drag and the + − fit buttons (panzoom.js); the network page frames a neuron with zoom.zoomToIds
// `var`: a page that holds this one in a frame calls zoom.zoomToIds on it
var zoom = panZoom(svg, graph, document.getElementById("zoombar"));
const steps = stepControls(frames.length, paint, {interval: 700});
// step k, as the buttons, the slider and the keys show it
function show(k) { steps.go(k); }

steps.start();
