// The driver diagram's outline: after a change (a page load or an htmx swap of the diagram),
// put the keyboard focus back on the box that was changed, so someone working by keyboard
// carries on from where they were. The server names it in data-focus.
(() => {
  function focusChanged(root) {
    const body = root.id === "diagram-body" ? root : root.querySelector("#diagram-body");
    if (!body || !body.dataset.focus) return;
    const node = document.getElementById(`node-${body.dataset.focus}`);
    if (node) node.focus();
  }
  // The messages of the page load that came before the swap are stale once new ones arrive.
  document.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.target && event.detail.target.id === "diagram-body") {
      for (const old of document.querySelectorAll("#main > div[aria-live]")) old.remove();
    }
  });
  document.addEventListener("DOMContentLoaded", () => focusChanged(document.body));
  document.addEventListener("htmx:load", (event) => focusChanged(event.target));
})();
