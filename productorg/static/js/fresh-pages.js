// Pages change in place through htmx, and in other tabs: a page Back or Forward brings out of
// the browser's back-forward cache shows it as it was left, and its forms carry old versions.
// Chromium keeps even no-store pages there (unless a cookie changed), so load it afresh.
window.addEventListener("pageshow", (event) => {
  if (event.persisted) {
    window.location.reload();
  }
});
