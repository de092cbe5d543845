// Small behaviours shared by every page, declared in the markup with data attributes so that
// no page needs inline script (the content security policy forbids it):
//   <button data-print>            prints the page
//   <form data-confirm="Question?"> asks before submitting
//   <input data-select-on-click>   selects its whole value when clicked (addresses to copy)
//   <form data-forget-offline>     (signing out) deletes the copy of My calls kept offline
// and htmx's answers that are not a success, which htmx would otherwise drop silently:
//   - a 4xx that carries HTML (a form re-rendered with its errors; a whole page, when the
//     request was a boosted one) is swapped in like a success, so the person sees the
//     messages next to the fields;
//   - a whole page answering a partial request (a 403 or 404 page) gives its main text;
//   - a 4xx in plain text, a 5xx or a lost connection is shown in the page's alert box
//     (#htmx-alert, whose data-* attributes hold the translated words).
(function () {
  "use strict";
  // On a phone the main menu folds behind its button (the CSS reads html.js).
  document.documentElement.classList.add("js");
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    var toggle = target.closest(".menu-toggle");
    if (toggle) {
      var menu = document.getElementById(toggle.getAttribute("aria-controls"));
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      if (menu) { menu.classList.toggle("open", open); }
      return;
    }
    if (target.closest("[data-print]")) {
      event.preventDefault();
      window.print();
      return;
    }
    var field = target.closest("[data-select-on-click]");
    if (field && typeof field.select === "function") { field.select(); }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-forget-offline") && window.caches) {
      // Signing out: the copy of My calls kept for reading offline goes too.
      window.caches.keys().then(function (names) {
        names.filter(function (n) { return n.indexOf("my-calls-") === 0; })
          .forEach(function (n) { window.caches.delete(n); });
      });
    }
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) { return; }
    if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
  }, true);

  function alertBox(text) {
    var box = document.getElementById("htmx-alert");
    if (!box) { window.alert(text); return; }
    box.textContent = text;
    box.hidden = false;
    box.scrollIntoView({block: "nearest"});
  }
  function clearAlert() {
    var box = document.getElementById("htmx-alert");
    if (box) { box.hidden = true; box.textContent = ""; }
  }
  function isHtml(xhr) {
    var type = xhr.getResponseHeader("Content-Type") || "";
    return type.indexOf("text/html") === 0 && /^\s*</.test(xhr.responseText || "");
  }
  // A new form sent clears the last alert; polling and look-ups (GETs) leave it up.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var config = event.detail.requestConfig;
    if (config && config.verb && config.verb !== "get") { clearAlert(); }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail, xhr = detail.xhr;
    if (xhr.status < 400) { return; }
    var whole = /^\s*(<!doctype|<html)/i.test(xhr.responseText || "");
    if (xhr.status < 500 && isHtml(xhr) && (!whole || detail.boosted)) {
      detail.shouldSwap = true;
      detail.isError = false;
      return;
    }
    detail.shouldSwap = false;
    var box = document.getElementById("htmx-alert");
    var text = (xhr.responseText || "").trim();
    if (xhr.status < 500 && whole) {
      // A whole page (403, 404) answering a partial request: say what its main part says.
      var main = new DOMParser().parseFromString(text, "text/html").querySelector("main");
      text = main ? main.textContent.replace(/\s+/g, " ").trim().slice(0, 400) : "";
    }
    if (xhr.status >= 500 || !text || (isHtml(xhr) && !whole)) {
      text = (box && box.getAttribute("data-server-error")) || String(xhr.status);
    }
    alertBox(text);
  });
  document.addEventListener("htmx:sendError", function () {
    var box = document.getElementById("htmx-alert");
    alertBox((box && box.getAttribute("data-offline")) || "Offline");
  });
})();
