{% load static %}// The service worker of My calls, for one signed-in person (its cache is named for them).
// It keeps exactly two kinds of thing, and nothing else:
//   - PAGES: the person's own My calls pages ({{ scope }}, any ?day=), each as last seen;
//   - ASSETS: the static files those pages use (styles, scripts, icons: no one's data).
// A My calls page comes from the network while there is one and from the cache when not.
// Anything else (other pages, the API, other people's records) is never touched. A page
// answered by the sign-in page (the session has ended) empties the cache.
"use strict";
const CACHE = "{{ cache }}";
const PREFIX = "my-calls-";
const PAGES = "{{ scope }}";
const ASSETS = [{% for a in assets %}"{% static a %}"{% if not forloop.last %}, {% endif %}{% endfor %}];

function isMyCallsPage(url) {
  return url.origin === self.location.origin && url.pathname === PAGES;
}
function isAsset(url) {
  return url.origin === self.location.origin && ASSETS.indexOf(url.pathname) !== -1;
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(ASSETS); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  // Another person's copy (an earlier sign-in on this phone) goes.
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf(PREFIX) === 0 && n !== CACHE; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  const request = event.request;
  if (request.method !== "GET") { return; }
  const url = new URL(request.url);
  if (isAsset(url)) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (!isMyCallsPage(url)) { return; }
  event.respondWith(fetch(request).then(function (response) {
    if (response.redirected || response.type !== "basic") {
      caches.delete(CACHE);
      return response;
    }
    if (response.ok) {
      const copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.open(CACHE).then(function (cache) {
      return cache.match(request).then(function (hit) {
        return hit || cache.match(PAGES, {ignoreSearch: true}).then(function (any) {
          return any || Response.error();
        });
      });
    });
  }));
});

self.addEventListener("push", function (event) {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {body: event.data.text()}; }
  event.waitUntil(self.registration.showNotification(data.title || "Callboard", {
    body: data.body || "",
    tag: data.tag || "callboard",
    icon: "{% static 'callboard/icons/icon-192.png' %}",
    data: {url: data.url || PAGES}
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  const target = (event.notification.data && event.notification.data.url) || PAGES;
  event.waitUntil(self.clients.openWindow(target));
});
