/* Etalase's service worker, served at /sw.js (shop/site/app_shell.py puts in
   the release's values where the double-underscore names are).

   What it keeps, and nothing else:
   - the public pages a visitor has seen (home, catalogue, groups, products,
     exhibitions: the pages the server marks with X-Etalase-Offline: keep),
     always as an anonymous visitor sees them, never with a cart count, a name
     or a message in them;
   - the images and the static files those pages use;
   - the "you are offline" page in each language.
   Online, every page comes from the network as before (a kept copy is only
   refreshed beside it). Offline, a kept public page is shown with its
   "Anda sedang offline" banner; every other page (cart, checkout, orders,
   management) is the offline page, which says it needs a connection: nothing
   personal is ever kept, so nothing personal is ever shown stale.
   It also shows the order alerts a member turned on for this phone (web
   push: shop/notify/push.py sends {title, body, url, tag}); a tap opens the
   order (or brings its tab forward when it is open already).
   A new release is a new /sw.js: it takes over at once and its first
   navigation is served by it (updates take effect on the next visit). */
"use strict";

var VERSION = "__VERSION__";
var OFFLINE_PAGES = __OFFLINE_PAGES__; // {"id": "/luring?hl=id", "en": …}
var SHELL_FILES = __SHELL_FILES__;     // static files of the offline pages
var DEFAULT_LANGUAGE = "__DEFAULT_LANGUAGE__";
var ICON = "__ICON__";
var KEEP_HEADER = "X-Etalase-Offline";
var BANNER_HIDDEN = '<p class="offline-banner" hidden>';
var BANNER_SHOWN = '<p class="offline-banner">';

var SHELL = "etalase-shell-" + VERSION;
var PAGES = "etalase-pages";
var FILES = "etalase-files";
var MAX_PAGES = 60;
var MAX_FILES = 240;
// A kept copy of a page seen by a visitor with a session is fetched again
// (anonymously) at most this often.
var REFRESH_MS = 10 * 60 * 1000;
var language = DEFAULT_LANGUAGE;

self.addEventListener("install", function (event) {
  var urls = SHELL_FILES.concat(Object.keys(OFFLINE_PAGES).map(function (code) { return OFFLINE_PAGES[code]; }));
  event.waitUntil(
    caches.open(SHELL)
      .then(function (cache) {
        return Promise.all(urls.map(function (url) {
          return fetch(url, { credentials: "omit", cache: "no-cache" }).then(function (response) {
            if (!response.ok) { throw new Error(url + ": " + response.status); }
            return cache.put(url, response);
          });
        }));
      })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (names) {
        return Promise.all(names.map(function (name) {
          return name.indexOf("etalase-shell-") === 0 && name !== SHELL ? caches.delete(name) : null;
        }));
      })
      .then(function () { return self.clients.claim(); })
  );
});

// A page asks to keep itself (its first visit came before this worker).
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.keep && typeof data.keep === "string") {
    if (data.language) { language = data.language; }
    var url = new URL(data.keep, self.location.href);
    if (url.origin === self.location.origin) {
      event.waitUntil(keepAnonymous(url.href));
    }
  }
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate") {
    event.respondWith(navigate(event));
  } else if (url.pathname.indexOf("/static/") === 0 || request.destination === "image") {
    event.respondWith(file(request));
  }
});

function navigate(event) {
  var request = event.request;
  return fetch(request).then(function (response) {
    var spoken = response.headers.get("Content-Language");
    if (spoken && OFFLINE_PAGES[spoken]) { language = spoken; }
    if (response.ok && response.headers.get(KEEP_HEADER) === "keep") {
      event.waitUntil(keep(request.url, response.clone()));
    }
    return response;
  }, function () {
    return offline(request.url);
  });
}

function personal(response) {
  return /no-store/.test(response.headers.get("Cache-Control") || "");
}

// A page as everyone sees it goes in as it came; one with a visitor's parts
// in it is replaced by the anonymous page, fetched without cookies.
function keep(url, response) {
  if (!personal(response)) { return put(PAGES, url, response, MAX_PAGES); }
  return caches.open(PAGES).then(function (cache) {
    return cache.match(url);
  }).then(function (kept) {
    var date = kept && Date.parse(kept.headers.get("Date") || "");
    if (kept && date && Date.now() - date < REFRESH_MS) { return null; }
    return keepAnonymous(url);
  });
}

function keepAnonymous(url) {
  var asked = new URL(url);
  if (!asked.searchParams.has("hl")) { asked.searchParams.set("hl", language); }
  return fetch(asked.href, { credentials: "omit" }).then(function (response) {
    if (response.ok && response.headers.get(KEEP_HEADER) === "keep" && !personal(response)) {
      return put(PAGES, url, response, MAX_PAGES);
    }
    return null;
  }, function () { return null; });
}

function offline(url) {
  return caches.open(PAGES).then(function (cache) {
    return cache.match(url);
  }).then(function (kept) {
    if (kept) { return withBanner(kept); }
    return caches.open(SHELL).then(function (cache) {
      return cache.match(OFFLINE_PAGES[language] || OFFLINE_PAGES[DEFAULT_LANGUAGE]);
    }).then(function (page) {
      return page || new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain" } });
    });
  });
}

function withBanner(response) {
  return response.text().then(function (html) {
    var headers = new Headers(response.headers);
    headers.delete("Content-Length");
    headers.delete("Content-Encoding");
    return new Response(html.replace(BANNER_HIDDEN, BANNER_SHOWN), {
      status: 200,
      headers: headers
    });
  });
}

// Static files (their URLs change with their content) and images: from the
// cache when kept, else from the network and kept.
function file(request) {
  return caches.match(request).then(function (kept) {
    if (kept) { return kept; }
    return fetch(request).then(function (response) {
      if (response.ok && response.type === "basic" && !personal(response)) {
        put(FILES, request.url, response.clone(), MAX_FILES);
      }
      return response;
    });
  });
}

function put(name, url, response, limit) {
  return caches.open(name).then(function (cache) {
    return cache.put(url, response).then(function () {
      return cache.keys();
    }).then(function (keys) {
      // Oldest first: drop the oldest beyond the limit.
      return Promise.all(keys.slice(0, Math.max(0, keys.length - limit)).map(function (key) {
        return cache.delete(key);
      }));
    });
  });
}

// An order alert: one notification per order (its tag), so a later alert of
// the same order replaces the earlier one instead of piling up.
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (error) { data = {}; }
  var title = typeof data.title === "string" && data.title ? data.title : "Etalase";
  event.waitUntil(self.registration.showNotification(title, {
    body: typeof data.body === "string" ? data.body : "",
    icon: ICON,
    badge: ICON,
    tag: typeof data.tag === "string" && data.tag ? data.tag : undefined,
    renotify: Boolean(data.tag),
    data: { url: sameSite(data.url) }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = sameSite(event.notification.data && event.notification.data.url);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
      for (var i = 0; i < windows.length; i++) {
        if (windows[i].url === url && "focus" in windows[i]) { return windows[i].focus(); }
      }
      return self.clients.openWindow(url);
    })
  );
});

// Only this site's pages are opened from a notification.
function sameSite(url) {
  try {
    var target = new URL(url || "/", self.location.origin);
    return target.origin === self.location.origin ? target.href : self.location.origin + "/";
  } catch (error) {
    return self.location.origin + "/";
  }
}
