// Draws every Vega-Lite chart from the specification the server embedded: on the page, and in
// what htmx loads into it later (the team-by-team charts of the collaborative dashboard).
(() => {
  // The Content-Security-Policy allows no eval and no inline style. `ast: true` has Vega keep each
  // expression's syntax tree, which the interpreter that vega-embed carries evaluates instead of
  // compiling it; vega-embed and its tooltips add no <style> of their own: the page links
  // vendor/vega/vega-embed.css.
  const OPTIONS = {
    actions: false,
    renderer: "svg",
    ast: true,
    defaultStyle: false,
    tooltip: { disableDefaultStyle: true },
  };
  function draw(root) {
    if (!window.vegaEmbed) return;
    for (const holder of root.querySelectorAll("[data-chart-spec]")) {
      if (holder.dataset.chartDrawn) continue;
      const source = document.getElementById(holder.dataset.chartSpec);
      if (!source) continue;
      holder.dataset.chartDrawn = "yes";
      const spec = JSON.parse(source.textContent);
      window.vegaEmbed(holder, spec, OPTIONS).catch((error) => {
        holder.textContent = holder.dataset.chartError || String(error);
      });
    }
  }
  document.addEventListener("DOMContentLoaded", () => draw(document));
  document.addEventListener("htmx:load", (event) => draw(event.target));
})();
