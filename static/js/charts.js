// Draws every Vega-Lite chart on the page from the specification the server embedded.
document.addEventListener("DOMContentLoaded", () => {
  for (const holder of document.querySelectorAll("[data-chart-spec]")) {
    const source = document.getElementById(holder.dataset.chartSpec);
    if (!source || !window.vegaEmbed) continue;
    const spec = JSON.parse(source.textContent);
    window.vegaEmbed(holder, spec, { actions: false, renderer: "svg" }).catch((error) => {
      holder.textContent = holder.dataset.chartError || String(error);
    });
  }
});
