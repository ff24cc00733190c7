// The picture of a step-through widget (anywidget): the step's SVG, with pan and zoom
// (panzoom.js comes before this file) kept from step to step, and a click on a neuron
// (an element with id "u<n>") sent back to Python as `clicked`.
function render({model, el}) {
  const bar = document.createElement("div");
  bar.style.cssText = "margin: 2px 0; font-size: 12px; color: #777";
  const host = document.createElement("div");
  host.style.cssText = "height: " + model.get("height") + "px; border: 1px solid #ddd; overflow: hidden";
  el.append(bar, host);
  let zoom = null;
  function draw() {
    const kept = zoom ? zoom.view : null;
    host.innerHTML = model.get("value");
    const svg = host.querySelector("svg");
    bar.textContent = "";
    if (!svg) return;
    zoom = panZoom(svg, host, bar, {keys: false});
    bar.append(" wheel: zoom \u00b7 drag: pan" + (model.get("clickable") ? " \u00b7 click a neuron for its detail" : ""));
    zoom.view = kept;
    for (const g of svg.querySelectorAll('g[id^="u"]')) {
      if (!/^u\d+$/.test(g.id)) continue;
      g.style.cursor = "pointer";
      g.addEventListener("click", () => {
        model.set("clicked", parseInt(g.id.slice(1), 10));
        model.save_changes();
      });
    }
  }
  model.on("change:value", draw);
  draw();
}
export default {render};
