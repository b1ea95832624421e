// Draws every Vega-Lite chart from the specification the server embedded: on the page, and in
// what htmx loads into it later (the team-by-team charts of the collaborative dashboard).
(() => {
  function draw(root) {
    if (!window.vegaEmbed) return;
    for (const holder of root.querySelectorAll("[data-chart-spec]")) {
      if (holder.dataset.chartDrawn) continue;
      const source = document.getElementById(holder.dataset.chartSpec);
      if (!source) continue;
      holder.dataset.chartDrawn = "yes";
      const spec = JSON.parse(source.textContent);
      window.vegaEmbed(holder, spec, { actions: false, renderer: "svg" }).catch((error) => {
        holder.textContent = holder.dataset.chartError || String(error);
      });
    }
  }
  document.addEventListener("DOMContentLoaded", () => draw(document));
  document.addEventListener("htmx:load", (event) => draw(event.target));
})();
