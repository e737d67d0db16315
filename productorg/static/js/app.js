// ProductOrg's one script of its own: progressive enhancement only, every page works without
// it. A static file (no inline script) so a strict Content-Security-Policy can forbid inline code.
(function () {
  "use strict";

  // On a phone the navigation folds behind the Menu button (CSS under .nav-collapsible).
  function navigationSetUp() {
    var button = document.querySelector(".topbar .nav-toggle");
    if (!button) return;
    button.hidden = false;
    document.documentElement.classList.add("nav-collapsible");
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") === "true";
      button.setAttribute("aria-expanded", open ? "false" : "true");
    });
  }

  // One open menu at a time: opening one, clicking elsewhere or Escape closes the others.
  function menusClose(except) {
    document.querySelectorAll(".topbar details[open]").forEach(function (menu) {
      if (menu !== except) menu.removeAttribute("open");
    });
  }
  document.addEventListener("click", function (event) {
    menusClose(event.target.closest && event.target.closest(".topbar details"));
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelector(".topbar details[open]");
    if (!open) return;
    menusClose(null);
    open.querySelector("summary").focus();
  });

  // Long pickers become searchable (Tom Select, vendored). The original <select> stays in the
  // form, hidden, with its name and the chosen options: the server sees the same fields.
  var LONG_SELECT = 15;
  function pickersEnhance(root) {
    if (typeof TomSelect === "undefined") return;
    root.querySelectorAll("select").forEach(function (select) {
      if (select.tomselect) return;
      if (!select.multiple && select.options.length <= LONG_SELECT) return;
      // Going back, htmx restores a snapshot of the page taken with the picker built: that
      // copy is dead (no Tom Select behind it); drop it and build the picker again.
      if (select.classList.contains("tomselected")) {
        var dead = select.nextElementSibling;
        if (dead && dead.classList.contains("ts-wrapper")) dead.remove();
        select.classList.remove("tomselected", "ts-hidden-accessible");
        select.removeAttribute("tabindex");
      }
      new TomSelect(select, {
        plugins: select.multiple ? ["remove_button"] : [],
        placeholder: select.multiple ? "Type to search, pick as many as you need" : undefined,
        maxOptions: null,
        // "Any team", "---------": the empty choice stays a choice, as in the plain control.
        allowEmptyOption: true,
        closeAfterSelect: !select.multiple,
      });
    });
  }

  // Pages change in place through htmx and in other tabs: a page Back or Forward brings out of
  // the back-forward cache shows it as it was left, its forms carrying old versions. Chromium
  // keeps even no-store pages there (unless a cookie changed), so load such a page afresh.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) window.location.reload();
  });

  function setUp() {
    navigationSetUp();
    pickersEnhance(document);
    // Fragments htmx swaps in get the same treatment.
    document.body.addEventListener("htmx:load", function (event) {
      pickersEnhance(event.target);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
