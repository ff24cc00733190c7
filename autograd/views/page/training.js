"use strict";
// The training page: the record's kept epochs replayed. Every number shown is computed here from
// the kept weights with one forward and one backward pass (the op table's formulas as JavaScript),
// so the network, the boundary, the sample and the batch always read the same pass.
// Every name (labels, layer names, CSV columns) is data: written with textContent, never as markup.

const data = JSON.parse(document.getElementById("data").textContent);
const SVG = "http://www.w3.org/2000/svg";
const $ = (id) => document.getElementById(id);
const sizes = [data.n_inputs, ...data.layer_sizes];
const nLayers = data.layer_sizes.length;
const GRID = 40;

function el(tag, attrs = {}, text = null, ns = null) {
  const e = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== null) e.textContent = text;
  return e;
}
const svgEl = (tag, attrs = {}, text = null) => el(tag, attrs, text, SVG);

function fmt(x, digits = 4) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-4) return x.toExponential(digits - 1).replace("e", "e");
  return String(Number(x.toPrecision(digits)));
}

// --- the weights: float64 little-endian in base64, in net.parameters() order ---
function unpack(text) {
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  return new Float64Array(bytes.buffer);
}
const kept = data.kept_epochs;
const flats = data.weights.map(unpack);
// where each layer's weight w[j][k] and bias b[j] sit in the flat list
const index = [];
{
  let p = 0;
  for (let l = 0; l < nLayers; l++) {
    const w = [], b = [];
    for (let j = 0; j < sizes[l + 1]; j++) {
      const row = [];
      for (let k = 0; k < sizes[l]; k++) row.push(p++);
      w.push(row);
      b.push(data.bias ? p++ : -1);
    }
    index.push({w, b});
  }
}
function layersOf(flat) {
  return index.map(({w, b}) => ({
    W: w.map((row) => row.map((p) => flat[p])),
    b: b.map((p) => (p < 0 ? 0 : flat[p])),
  }));
}

// --- activations and losses ---
const SAFE = /^(?:[\s.()+\-*/<>?:,]|\d+(?:\.\d*)?(?:e[+-]?\d+)?|z|a|Math|exp|log|tanh|max|pow)*$/;
const acts = data.activation_js.map((forms) => {
  if (!forms || !forms.every((f) => SAFE.test(f))) return null;
  return {f: new Function("z", "return " + forms[0] + ";"), d: new Function("z", "a", "return " + forms[1] + ";")};
});
const computable = acts.every((a) => a !== null);
const nOut = data.layer_sizes[nLayers - 1];
const BCE_EPS = data.bce_eps || 1e-12;
const LOSSES = {
  squared_error: (a, y) => [a.reduce((s, ai, j) => s + (ai - y[j]) ** 2, 0), a.map((ai, j) => 2 * (ai - y[j]))],
  mse: (a, y) => [a.reduce((s, ai, j) => s + (ai - y[j]) ** 2, 0) / a.length, a.map((ai, j) => (2 * (ai - y[j])) / a.length)],
  half_squared_error: (a, y) => [a.reduce((s, ai, j) => s + (ai - y[j]) ** 2, 0) * 0.5, a.map((ai, j) => ai - y[j])],
  binary_cross_entropy: (a, y) => [
    a.reduce((s, ai, j) => s - (y[j] * Math.log(ai + BCE_EPS) + (1 - y[j]) * Math.log(1 - ai + BCE_EPS)), 0),
    a.map((ai, j) => (1 - y[j]) / (1 - ai + BCE_EPS) - y[j] / (ai + BCE_EPS)),
  ],
  hinge: (a, y) => [
    a.reduce((s, ai, j) => s + Math.max(0, 1 - y[j] * ai), 0) / a.length,
    a.map((ai, j) => (1 - y[j] * ai > 0 ? -y[j] / a.length : 0)),
  ],
};
const lossFn = LOSSES[data.loss] || null;

function forward(layers, x) {
  const zs = [], as = [x];
  let a = x;
  layers.forEach(({W, b}, l) => {
    const z = W.map((row, j) => row.reduce((s, w, k) => s + w * a[k], 0) + b[j]);
    a = z.map((zj) => acts[l].f(zj));
    zs.push(z);
    as.push(a);
  });
  return {zs, as};
}

// ∂C/∂a and ∂C/∂z of every unit, and ∂C/∂w as M_j a_k: the tutorial's matrix formulas, one sample
function backward(layers, pass, y) {
  const out = pass.as[nLayers];
  const [cost, dOut] = lossFn(out, y);
  const dA = new Array(nLayers), dZ = new Array(nLayers);
  dA[nLayers - 1] = dOut;
  for (let l = nLayers - 1; l >= 0; l--) {
    dZ[l] = dA[l].map((g, j) => g * acts[l].d(pass.zs[l][j], pass.as[l + 1][j]));
    if (l > 0) {
      dA[l - 1] = pass.as[l].map((_, k) => layers[l].W.reduce((s, row, j) => s + row[k] * dZ[l][j], 0));
    }
  }
  return {cost, dA, dZ};
}

// --- the state: which kept epoch, which sample, which weight ---
const state = {i: 0, sample: 0, weight: 0, tab: nLayers, timer: null};
const weightMax = Math.max(1e-12, ...flats.map((f) => Math.max(...Array.from(f).map(Math.abs))));

// weight labels as nn writes them: w_{jk}^{H1}, b_{j}^{H1}
const paramInfo = [];
index.forEach(({w, b}, l) => {
  w.forEach((row, j) => {
    row.forEach((p, k) => { paramInfo[p] = {l, j, k, kind: "w"}; });
    if (b[j] >= 0) paramInfo[b[j]] = {l, j, k: -1, kind: "b"};
  });
});
// written as math, never as raw TeX: w₁₂ᴴ², as every other picture writes labels
const SUB = {"0": "₀", "1": "₁", "2": "₂", "3": "₃", "4": "₄", "5": "₅", "6": "₆", "7": "₇", "8": "₈", "9": "₉", ",": ","};
const SUP = {"0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹",
             "H": "ᴴ", "O": "ᴼ", "I": "ᴵ"};
function script(text, table) {
  const chars = Array.from(text);
  return chars.every((c) => c in table) ? chars.map((c) => table[c]).join("") : "(" + text + ")";
}
function paramLabel(p) {
  const {l, j, k, kind} = paramInfo[p];
  const name = script(data.layer_names[l], SUP);
  const index = kind === "w" ? (j >= 10 || k >= 10 ? `${j},${k}` : `${j}${k}`) : String(j);
  return (kind === "w" ? "w" : "b") + script(index, SUB) + name;
}
function unitName(l, j) {
  if (l === 0) return data.columns && data.columns[j] !== undefined ? data.columns[j] : "x" + j;
  return data.layer_names[l - 1] + " " + j;
}

// --- the network view: SVG from the layer sizes ---
const net = $("net");
const NET_W = 400, NET_H = 290;
const unitPos = sizes.map((n, l) => {
  const x = 30 + (l * (NET_W - 60)) / Math.max(1, sizes.length - 1);
  // units from 14 px to 30 px above the bottom: the layer captions sit below the last one
  return Array.from({length: n}, (_, j) => [x, n === 1 ? NET_H / 2 : 14 + (j * (NET_H - 44)) / (n - 1)]);
});
const radius = Math.max(2.5, Math.min(13, (NET_H - 44) / Math.max(...sizes) / 2.3));
const edges = [];
index.forEach(({w}, l) => {
  w.forEach((row, j) => row.forEach((p, k) => {
    const [x1, y1] = unitPos[l][k], [x2, y2] = unitPos[l + 1][j];
    const line = svgEl("line", {x1, y1, x2, y2, class: "edge", "data-param": p});
    line.appendChild(svgEl("title", {}, paramLabel(p)));
    line.addEventListener("click", () => pickWeight(p));
    net.appendChild(line);
    edges.push([p, line]);
  }));
});
const units = unitPos.map((col, l) => col.map(([cx, cy], j) => {
  const g = svgEl("g", {"data-unit": l + ":" + j});
  const c = svgEl("circle", {cx, cy, r: radius, stroke: "#333", "stroke-width": 0.8});
  const t = svgEl("text", {x: cx, y: cy + 3, "text-anchor": "middle", "font-size": Math.min(9, radius * 0.8)});
  g.append(c, t, svgEl("title", {}, unitName(l, j)));
  net.appendChild(g);
  return {c, t};
}));
sizes.forEach((_, l) => {
  net.appendChild(svgEl("text", {x: unitPos[l][0][0], y: NET_H + 0, "text-anchor": "middle", "font-size": 10},
    l === 0 ? "inputs" : data.layer_names[l - 1] + " (" + data.activations[l - 1] + ")"));
});
net.setAttribute("viewBox", `0 0 ${NET_W} ${NET_H + 6}`);
$("net-legend").textContent = "edge: width |w|, blue w > 0, red w < 0 (click one to pick it) · unit: its activation a for the sample (fill: −1 red … 0 white … 1 blue)";

function unitFill(a) {
  const t = Math.max(-1, Math.min(1, a));
  const v = Math.round(255 * (1 - Math.abs(t)));
  return t >= 0 ? `rgb(${v},${Math.round(110 + 145 * (1 - t))},255)` : `rgb(255,${v},${v})`;
}

function drawNetwork(flat, pass) {
  for (const [p, line] of edges) {
    const w = flat[p];
    line.setAttribute("stroke", p === state.weight ? "#ff9800" : w >= 0 ? "#2a6fdb" : "#d9534f");
    line.setAttribute("stroke-width", (p === state.weight ? 1.5 : 0.25) + 3.5 * Math.abs(w) / weightMax);
    line.setAttribute("stroke-opacity", p === state.weight ? 1 : 0.75);
  }
  units.forEach((col, l) => col.forEach(({c, t}, j) => {
    const a = pass ? pass.as[l][j] : 0;
    c.setAttribute("fill", pass ? unitFill(a) : "#eee");
    // a number too small to read is left out: the fill colour says it, and the sample panel lists it
    t.textContent = pass && radius >= 10 ? fmt(a, 2) : "";
  }));
}

// --- the decision boundary: the output over a GRID × GRID plane, computed from this epoch's weights ---
const canvas = $("boundary");
const twoInputs = data.n_inputs === 2 && computable;
const xs = data.inputs.map((x) => x[0]), ys2 = data.inputs.map((x) => x[1]);
const targets = data.targets.map((y) => y[0]);
const lo = Math.min(...targets), hi = Math.max(...targets);
const threshold = lo < 0 ? 0 : 0.5;
const span = (v) => { const a = Math.min(...v), b = Math.max(...v), m = 0.1 * (b - a || 1); return [a - m, b + m]; };
const [x0, x1] = data.n_inputs >= 1 ? span(xs) : [0, 1];
const [y0, y1] = data.n_inputs >= 2 ? span(ys2) : [0, 1];
const gridPoint = (i, j) => [x0 + ((i + 0.5) * (x1 - x0)) / GRID, y1 - ((j + 0.5) * (y1 - y0)) / GRID];
const toCanvas = ([x, y]) => [((x - x0) / (x1 - x0)) * canvas.width, ((y1 - y) / (y1 - y0)) * canvas.height];
let grid = null;  // grid[j][i]: the first output at gridPoint(i, j)
if (!twoInputs) {
  canvas.hidden = true;
  $("no-boundary").hidden = false;
  $("no-boundary").textContent = data.n_inputs !== 2
    ? `No boundary: the data has ${data.n_inputs} inputs, and the plane of outputs needs exactly two.`
    : "No boundary: an activation here is a Python function with no formula, so the page cannot compute it.";
} else {
  const names = data.columns ? [data.columns[0], data.columns[1]] : ["x0", "x1"];
  $("boundary-legend").textContent = `${GRID}×${GRID} cells of the output a (blue high, red low; the colour turns at ${threshold}); ` +
    `points: the data, filled by target · across: ${names[0]}, up: ${names[1]} · click a point to pick its sample`;
}

function colourOf(v) {
  const t = Math.max(0, Math.min(1, (v - lo) / ((hi - lo) || 1)));
  return t >= 0.5 ? `rgb(${Math.round(255 - 150 * (t - 0.5) * 2)},${Math.round(255 - 90 * (t - 0.5) * 2)},255)`
    : `rgb(255,${Math.round(255 - 150 * (0.5 - t) * 2)},${Math.round(255 - 150 * (0.5 - t) * 2)})`;
}

function drawBoundary(layers) {
  if (!twoInputs) return;
  grid = [];
  const ctx = canvas.getContext("2d");
  const cw = canvas.width / GRID, ch = canvas.height / GRID;
  for (let j = 0; j < GRID; j++) {
    const row = [];
    for (let i = 0; i < GRID; i++) {
      const v = forward(layers, gridPoint(i, j)).as[nLayers][0];
      row.push(v);
      ctx.fillStyle = colourOf(v);
      ctx.fillRect(i * cw, j * ch, cw + 0.5, ch + 0.5);
    }
    grid.push(row);
  }
  data.inputs.forEach((x, s) => {
    const [cx, cy] = toCanvas(x);
    ctx.beginPath();
    ctx.arc(cx, cy, s === state.sample ? 6 : 3.2, 0, 2 * Math.PI);
    ctx.fillStyle = targets[s] > threshold ? "#1f4fa8" : "#b3261e";
    ctx.fill();
    ctx.lineWidth = s === state.sample ? 2.5 : 0.8;
    ctx.strokeStyle = s === state.sample ? "#ff9800" : "white";
    ctx.stroke();
  });
}

canvas.addEventListener("click", (event) => {
  const box = canvas.getBoundingClientRect();
  const px = ((event.clientX - box.left) / box.width) * canvas.width;
  const py = ((event.clientY - box.top) / box.height) * canvas.height;
  let best = 0, bestD = Infinity;
  data.inputs.forEach((x, s) => {
    const [cx, cy] = toCanvas(x);
    const d = (cx - px) ** 2 + (cy - py) ** 2;
    if (d < bestD) { bestD = d; best = s; }
  });
  pickSample(best);
});

// --- curves: loss (log scale) and accuracy over all epochs, the current epoch marked ---
function plot(svg, top, height, series, {log = false, yMin = null, yMax = null, label}) {
  const left = 52, width = 330, n = data.epochs;
  const vals = series.flatMap((s) => s.values).filter((v) => Number.isFinite(v) && (!log || v > 0));
  let a = yMin !== null ? yMin : Math.min(...vals), b = yMax !== null ? yMax : Math.max(...vals);
  if (log) { a = Math.log10(a); b = Math.log10(b); }
  if (b - a < 1e-12) { b = a + 1; }
  const X = (e) => left + ((e - 1) / Math.max(1, n - 1)) * width;
  const Y = (v) => top + height - (((log ? Math.log10(Math.max(v, 1e-300)) : v) - a) / (b - a)) * height;
  svg.appendChild(svgEl("rect", {x: left, y: top, width, height, fill: "none", stroke: "#ccc"}));
  svg.appendChild(svgEl("text", {x: 4, y: top - 4, "font-size": 11, "font-weight": "bold"}, label));
  for (const v of [a, b]) {
    const shown = log ? 10 ** v : v;
    svg.appendChild(svgEl("text", {x: left - 3, y: (v === a ? top + height : top + 9), "text-anchor": "end", "font-size": 9}, fmt(shown, 3)));
  }
  svg.appendChild(svgEl("text", {x: left, y: top + height + 11, "font-size": 9}, "1"));
  svg.appendChild(svgEl("text", {x: left + width, y: top + height + 11, "font-size": 9, "text-anchor": "end"}, "epoch " + n));
  series.forEach(({values, colour, name}, s) => {
    const points = values.map((v, e) => `${X(e + 1).toFixed(1)},${Y(v).toFixed(1)}`).join(" ");
    svg.appendChild(svgEl("polyline", {points, fill: "none", stroke: colour, "stroke-width": 1.3}));
    if (name !== undefined) {
      svg.appendChild(svgEl("text", {x: left + width + 3, y: top + 10 + 11 * s, "font-size": 9, fill: colour}, name));
    }
  });
  const marker = svgEl("line", {y1: top, y2: top + height, stroke: "#ff9800", "stroke-width": 1.5});
  svg.appendChild(marker);
  return (epoch) => { marker.setAttribute("x1", X(epoch)); marker.setAttribute("x2", X(epoch)); };
}

const markers = [];
{
  const svg = $("curves");
  const hasAcc = data.accuracies.length > 0;
  markers.push(plot(svg, 16, hasAcc ? 120 : 260, [{values: data.losses, colour: "#2a6fdb"}],
    {log: data.losses.every((v) => v > 0), label: "loss: mean " + data.loss + " per sample (log scale)"}));
  if (hasAcc) {
    markers.push(plot(svg, 170, 110, [{values: data.accuracies, colour: "#2e7d32"}], {yMin: 0, yMax: 1, label: "accuracy"}));
  }
  const gsvg = $("grads");
  const COLOURS = ["#2a6fdb", "#d9534f", "#2e7d32", "#8e24aa", "#ef6c00", "#00838f", "#6d4c41", "#c2185b"];
  const series = data.layer_names.map((name, l) => ({values: data.grad_sizes.map((g) => g[l]), colour: COLOURS[l % COLOURS.length], name}));
  markers.push(plot(gsvg, 16, 180, series, {log: true, label: "each layer, at each epoch's last step (log scale)"}));
  gsvg.setAttribute("viewBox", "0 0 420 220");
}

// --- the sample: its forward values and backward messages at this epoch ---
const tabs = $("sample-tabs");
for (let l = 0; l <= nLayers; l++) {
  const b = el("button", {"data-layer": l}, l === 0 ? "inputs" : data.layer_names[l - 1]);
  b.onclick = () => { state.tab = l; show(); };
  tabs.appendChild(b);
}
$("sample").max = data.inputs.length - 1;
$("sample").onchange = () => pickSample(parseInt($("sample").value, 10));

function row(table, cells, header = false) {
  const tr = el("tr");
  for (const c of cells) tr.appendChild(el(header ? "th" : "td", {}, String(c)));
  table.appendChild(tr);
  return tr;
}

function showSample(layers, epoch) {
  const s = state.sample, x = data.inputs[s], y = data.targets[s];
  const table = $("sample-table");
  table.replaceChildren();
  const names = x.map((_, k) => unitName(0, k));
  $("sample-head").textContent = `sample #${s}: ` + names.map((n, k) => `${n} = ${fmt(x[k])}`).join(", ") +
    `; target y = (${y.map((v) => fmt(v)).join(", ")})`;
  Array.from(tabs.children).forEach((b, l) => b.classList.toggle("on", l === state.tab));
  if (!computable || !lossFn) {
    $("sample-steps").textContent = !computable
      ? "An activation here has no formula the page can compute (a Python function): open the step-through from Python (below)."
      : `The loss ${data.loss} is not one the page knows: open the step-through from Python (below).`;
    return null;
  }
  const pass = forward(layers, x);
  const back = backward(layers, pass, y);
  const l = state.tab;
  if (l === 0) {
    row(table, ["input", "a", "∂C/∂a"], true);
    const dIn = x.map((_, k) => layers[0].W.reduce((t, r, j) => t + r[k] * back.dZ[0][j], 0));
    x.forEach((v, k) => row(table, [names[k], fmt(v), fmt(dIn[k])]));
  } else {
    row(table, ["unit", "z", "a", "∂C/∂a", "∂C/∂z"], true);
    pass.as[l].forEach((a, j) => row(table, [unitName(l, j), fmt(pass.zs[l - 1][j]), fmt(a), fmt(back.dA[l - 1][j]), fmt(back.dZ[l - 1][j])]));
  }
  const out = pass.as[nLayers];
  $("sample-steps").replaceChildren(
    document.createTextNode(`At epoch ${epoch}: output a = (${out.map((v) => fmt(v)).join(", ")}), C = ${fmt(back.cost)}. ` +
      "∂C/∂a is the sum of the messages the unit receives. The neuron-by-neuron step-through needs Graphviz, so it is made in Python: "),
    stepLink(layers, epoch, x, y));
  return {pass, back};
}

// the model file of this epoch's weights (as net.save writes it) and the lines that open its step-through
function stepLink(layers, epoch, x, y) {
  const span = el("span");
  const state_ = {
    format: "stepgrad.MLP", version: 1, n_inputs: data.n_inputs, layer_sizes: data.layer_sizes,
    activations: data.activations, bias: data.bias, layers: {},
  };
  layers.forEach(({W, b}, l) => {
    state_.layers[data.layer_names[l]] = data.bias ? {weights: W, biases: b} : {weights: W};
  });
  const name = `model_epoch_${epoch}.json`;
  const a = el("a", {download: name, id: "model-link"}, "download " + name);
  a.href = URL.createObjectURL(new Blob([JSON.stringify(state_)], {type: "application/json"}));
  const loss = data.loss || "squared_error";
  const code = el("code", {id: "steps-code"},
    `from nn import MLP, ${loss}; from autograd import save_steps_html; net = MLP.load("${name}"); ` +
    `save_steps_html(${loss}(net([${x.join(", ")}]), [${y.join(", ")}]), "steps.html", parameters=net.parameters(), view="network")`);
  span.append(a, document.createTextNode(", then in Python: "), code);
  return span;
}

// --- the batch: each sample's ∂C/∂w for the picked weight, their mean, the update ---
const picker = $("weight");
paramInfo.forEach((info, p) => {
  const text = paramLabel(p) + (info.kind === "w" ? `  (${unitName(info.l + 1, info.j)} ← ${unitName(info.l, info.k)})` : `  (${unitName(info.l + 1, info.j)})`);
  picker.appendChild(el("option", {value: p}, text));
});
picker.onchange = () => pickWeight(parseInt(picker.value, 10));

function gradOf(p, pass, back) {
  const {l, j, k, kind} = paramInfo[p];
  return back.dZ[l][j] * (kind === "w" ? pass.as[l][k] : 1);
}

function showBatch(layers, flat, epoch) {
  const table = $("batch-table");
  table.replaceChildren();
  const p = state.weight, label = paramLabel(p);
  picker.value = String(p);
  if (!computable || !lossFn) { $("update").textContent = ""; $("batch-head").textContent = "(not computed in the page)"; return null; }
  const batch = data.batches[state.i];
  const n = batch.length, full = data.batch_size >= data.inputs.length;
  $("batch-head").textContent = `Epoch ${epoch}'s ${full ? "batch (all" : "first batch (" + data.batch_size + " of"} ${data.inputs.length} samples): ` +
    `each sample's own ∂C/∂${label}, then the step's gradient g, their ${data.mean && n > 1 ? "mean" : "sum"} ` +
    "(\"Optimizing on batch: just sum up C and gradients?\": yes, and divide by the batch size).";
  row(table, ["sample", "C", `∂C/∂${label}`], true);
  let total = 0, totalC = 0;
  const shown = 12;
  batch.forEach((s, r) => {
    const pass = forward(layers, data.inputs[s]);
    const back = backward(layers, pass, data.targets[s]);
    const g = gradOf(p, pass, back);
    total += g;
    totalC += back.cost;
    if (r < shown) row(table, ["#" + s, fmt(back.cost), fmt(g)]).setAttribute("data-sample", s);
  });
  if (n > shown) row(table, [`… ${n - shown} more`, "", ""]);
  row(table, ["sum", fmt(totalC), fmt(total)]).className = "sum";
  const g = data.mean && n > 1 ? total / n : total;
  if (data.mean && n > 1) row(table, [`mean (÷ ${n})`, fmt(totalC / n), fmt(g)]).className = "mean";
  const w = flat[p], lr = data.lr;
  const next = lr === null ? null : w - lr * g;
  const update = $("update");
  update.replaceChildren();
  if (next === null) { update.textContent = "(no learning rate recorded)"; return {g, next}; }
  update.append(el("b", {}, `${label} ← ${label} − lr · g`), document.createTextNode(
    ` = ${fmt(w, 6)} − ${lr} × ${g < 0 ? "(" + fmt(g, 6) + ")" : fmt(g, 6)} = ${fmt(next, 6)}`));
  const after = kept.indexOf(epoch + 1);
  if (data.momentum) update.append(document.createTextNode(` (with momentum ${data.momentum} the step also adds the velocity: not shown)`));
  else if (full && after >= 0) update.append(document.createTextNode(` · epoch ${epoch + 1} starts from ${fmt(flats[after][p], 6)}`));
  else if (full && epoch === data.epochs) update.append(document.createTextNode(` · the trained weight: ${fmt(unpack(data.final_weights)[p], 6)}`));
  return {g, next};
}

// --- moving between epochs ---
const slider = $("slider");
slider.max = kept.length - 1;
$("kept").textContent = (data.every > 1
  ? `Kept every ${ordinal(data.every)} epoch and the last (${kept.length} of ${data.epochs}); the curves have every epoch.`
  : `Every epoch kept (${data.epochs}).`) + " Weights are stored in full (float64). Epoch k shows the weights it started from.";
if (data.title) $("title").textContent = data.title;

function ordinal(n) {
  const tens = n % 100, ones = n % 10;
  return n + (tens >= 11 && tens <= 13 ? "th" : ones === 1 ? "st" : ones === 2 ? "nd" : ones === 3 ? "rd" : "th");
}

function nearestKept(epoch) {
  let best = 0;
  kept.forEach((e, i) => { if (Math.abs(e - epoch) < Math.abs(kept[best] - epoch)) best = i; });
  return best;
}

const current = {};
function show() {
  const i = state.i, epoch = kept[i], flat = flats[i], layers = layersOf(flat);
  slider.value = i;
  $("counter").textContent = `epoch ${epoch} of ${data.epochs}`;
  const loss = data.losses[epoch - 1], acc = data.accuracies[epoch - 1];
  const readout = `loss ${fmt(loss, 6)}` + (acc !== undefined ? ` · accuracy ${(100 * acc).toFixed(1)}%` : "");
  $("readout").textContent = readout;
  $("readout").title = `loss ${loss} (as history.csv has it)`;
  $("curves-text").textContent = `Epoch ${epoch}: ${readout} (measured during the epoch, before each update).`;
  $("grads-text").textContent = `Epoch ${epoch}: ` + data.layer_names.map((n, l) => `${n} ${fmt(data.grad_sizes[epoch - 1][l])}`).join(" · ");
  $("net-sub").textContent = `at epoch ${epoch}, sample #${state.sample}`;
  $("boundary-sub").textContent = `at epoch ${epoch}`;
  const sample = showSample(layers, epoch);
  drawNetwork(flat, sample && sample.pass);
  drawBoundary(layers);
  for (const mark of markers) mark(epoch);
  const batch = showBatch(layers, flat, epoch);
  Object.assign(current, {epoch, flat, layers, sample, batch});
  try { history.replaceState(null, "", "#epoch=" + epoch); } catch (e) { /* an iframe's srcdoc has no address */ }
}

function go(i) { state.i = Math.max(0, Math.min(kept.length - 1, i)); $("bad-epoch").hidden = true; show(); }
function pickSample(s) {
  if (!Number.isInteger(s)) return;
  state.sample = Math.max(0, Math.min(data.inputs.length - 1, s));
  $("sample").value = state.sample;
  show();
}
function pickWeight(p) { state.weight = p; show(); }

function play() {
  if (state.timer) { clearInterval(state.timer); state.timer = null; $("play").innerHTML = "&#9654; play"; return; }
  if (state.i >= kept.length - 1) state.i = 0;
  $("play").innerHTML = "&#10074;&#10074; pause";
  state.timer = setInterval(() => { if (state.i >= kept.length - 1) play(); else go(state.i + 1); }, 120);
}

$("first").onclick = () => go(0);
$("prev").onclick = () => go(state.i - 1);
$("next").onclick = () => go(state.i + 1);
$("last").onclick = () => go(kept.length - 1);
$("play").onclick = play;
slider.oninput = () => go(parseInt(slider.value, 10));
document.addEventListener("keydown", (event) => {
  if (event.target.tagName === "INPUT" || event.target.tagName === "SELECT") return;
  if (event.key === "ArrowRight") go(state.i + 1);
  else if (event.key === "ArrowLeft") go(state.i - 1);
  else if (event.key === "Home") go(0);
  else if (event.key === "End") go(kept.length - 1);
  else if (event.key === " ") play();
  else return;
  event.preventDefault();
});

// #epoch=k: the nearest kept epoch, and a visible note when k was not one
function fromAddress() {
  const match = /(?:^#|&)epoch=([^&]*)/.exec(location.hash);
  const note = $("bad-epoch");
  note.hidden = true;
  if (!match) return 0;
  const text = decodeURIComponent(match[1]);
  const k = /^\s*-?\d+\s*$/.test(text) ? parseInt(text, 10) : NaN;
  let i, why = null;
  if (Number.isNaN(k)) { i = 0; why = `“${text}” is not an epoch number`; }
  else if (k < 1) { i = 0; why = `there is no epoch ${k} (they count from 1)`; }
  else if (k > data.epochs) { i = kept.length - 1; why = `epoch ${k} is beyond the ${data.epochs} trained`; }
  else { i = nearestKept(k); if (kept[i] !== k) why = `epoch ${k} is not kept (every ${ordinal(data.every)} is)`; }
  if (why) { note.textContent = `#epoch=${text}: ${why}; showing epoch ${kept[i]}.`; note.hidden = false; }
  return i;
}
window.addEventListener("hashchange", () => {
  const m = /epoch=(\d+)$/.exec(location.hash);
  if (m && kept[state.i] === parseInt(m[1], 10)) return;  // our own replaceState
  state.i = fromAddress(); show();
});
state.weight = index[0].w[0][0];
state.i = fromAddress();
show();
// for tests and the curious: the state and what is drawn
window.view = {data, state, current, go, pickSample, pickWeight, play, forward, backward, layersOf, flats, gridPoint, grid: () => grid};
