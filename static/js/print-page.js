// The print view's "Print" button (no inline scripts: the Content-Security-Policy forbids them).
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print-page]")) {
    button.addEventListener("click", () => window.print());
  }
});
