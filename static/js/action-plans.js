// The action plan's step editor: htmx swaps a refused save like a saved one, since the answer
// carries what to correct (400) or what a colleague saved meanwhile (409), and what was typed
// stays in the fields.
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if (status === 400 || status === 409) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
