// My calls on a phone: the service worker that keeps the person's last calls for reading
// offline (its address and scope come from the page: <main data-sw>), a note when the page
// is read offline, and the button that turns push notifications on or off (#push, whose
// data-* attributes hold the company's public key, the address to post to and the words).
(function () {
  "use strict";
  var root = document.querySelector("[data-sw]");
  if (!root || !("serviceWorker" in navigator)) { return; }
  var ready = navigator.serviceWorker.register(root.getAttribute("data-sw"), {
    scope: root.getAttribute("data-scope")
  });

  var note = document.getElementById("offline-note");
  function showOffline() { if (note) { note.hidden = navigator.onLine; } }
  window.addEventListener("online", showOffline);
  window.addEventListener("offline", showOffline);
  showOffline();

  var button = document.getElementById("push");
  if (!button || !("PushManager" in window) || !("Notification" in window)) { return; }
  var status = document.getElementById("push-status");
  var csrf = document.querySelector("#push-form input[name=csrfmiddlewaretoken]");
  button.hidden = false;

  function key(base64) {
    var padded = (base64 + "===".slice((base64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }
  function say(text) { if (status) { status.textContent = text; } }
  function send(body) {
    return fetch(button.getAttribute("data-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf ? csrf.value : ""},
      body: JSON.stringify(body)
    }).then(function (r) { return r.json().then(function (j) { say(j.message || ""); return r.ok; }); });
  }
  function label(on) {
    button.textContent = button.getAttribute(on ? "data-off" : "data-on");
    button.setAttribute("aria-pressed", on ? "true" : "false");
  }
  ready.then(function (reg) { return reg.pushManager.getSubscription(); })
    .then(function (sub) { label(!!sub); });
  button.addEventListener("click", function () {
    ready.then(function (reg) {
      return reg.pushManager.getSubscription().then(function (sub) {
        if (sub) {
          return send({endpoint: sub.endpoint, off: true}).then(function () {
            return sub.unsubscribe();
          }).then(function () { label(false); });
        }
        return Notification.requestPermission().then(function (answer) {
          if (answer !== "granted") { say(button.getAttribute("data-denied")); return; }
          return reg.pushManager.subscribe({
            userVisibleOnly: true, applicationServerKey: key(button.getAttribute("data-key"))
          }).then(function (made) {
            return send(made.toJSON()).then(function (ok) { label(ok); });
          });
        });
      });
    }).catch(function (e) { say(String(e)); });
  });
})();
