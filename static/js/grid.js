// The data grid scrolls sideways inside its box: bring the box or link the Tab key reached
// wholly into view (a browser scrolls only what is hidden altogether), clear of the sticky
// period column (the grid's scroll-padding).
document.addEventListener("focusin", (event) => {
  if (event.target.closest(".data-grid")) {
    event.target.scrollIntoView({ block: "nearest", inline: "nearest" });
  }
});
