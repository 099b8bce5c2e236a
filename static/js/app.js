/* Etalase: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  // Catalogue filter: choosing a province fills its regencies without a reload.
  document.querySelectorAll("select[data-region-parent]").forEach(function (parent) {
    var child = document.getElementById(parent.getAttribute("data-region-parent"));
    if (!child) { return; }
    parent.addEventListener("change", function () {
      var first = child.options[0];
      child.length = 1;
      if (!parent.value) { return; }
      fetch("/wilayah/" + encodeURIComponent(parent.value), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (items) {
          items.forEach(function (item) { child.add(new Option(item.name, item.code)); });
          child.options[0] = first;
        })
        .catch(function () { /* without the list the filter still works after "Apply" */ });
    });
  });

  // A form came back with errors: move to the summary so it is read out and
  // seen first; its links put the cursor in the field (label in view too).
  var summary = document.querySelector(".form-errors");
  if (summary && !window.location.hash) { summary.focus(); }
  if (summary) {
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var target = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!target) { return; }
      event.preventDefault();
      var box = target.closest(".field, fieldset") || target;
      box.scrollIntoView();
      target.focus({ preventScroll: true });
    });
  }

  // Print pages (poster, nota titip): a "Print" button where the browser can
  // print; without it the page says how to print from the browser's menu.
  if (typeof window.print === "function") {
    document.querySelectorAll("button[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  // Photos chosen together: their names in the order they will be saved, read
  // out by screen readers (the browser itself shows only "3 files").
  document.querySelectorAll("input[type=file][data-chosen]").forEach(function (input) {
    var status = document.getElementById(input.getAttribute("data-chosen"));
    if (!status) { return; }
    var most = parseInt(input.getAttribute("data-max-total") || "0", 10);
    var tooLarge = false;
    // Photos over the limit together are refused here, before a phone spends
    // minutes sending what the server would refuse (the form is novalidate,
    // so its submit is stopped by hand; "add a variant" is let through).
    if (most && input.form) {
      input.form.addEventListener("submit", function (event) {
        var button = event.submitter;
        if (tooLarge && !(button && button.formNoValidate)) {
          event.preventDefault();
          input.focus();
        }
      });
    }
    input.addEventListener("change", function () {
      status.textContent = "";
      tooLarge = false;
      if (!input.files.length) { return; }
      var total = 0;
      Array.prototype.forEach.call(input.files, function (file) { total += file.size; });
      if (most && total > most) {
        var refusal = document.createElement("p");
        refusal.className = "notice notice-warn";
        refusal.textContent = input.getAttribute("data-too-large")
          .replace("{size}", Math.ceil(total / 1048576));
        status.appendChild(refusal);
        tooLarge = true;
        return;
      }
      var heading = document.createElement("p");
      heading.textContent = status.getAttribute("data-heading");
      var list = document.createElement("ol");
      Array.prototype.forEach.call(input.files, function (file) {
        var item = document.createElement("li");
        item.textContent = file.name;
        list.appendChild(item);
      });
      status.appendChild(heading);
      status.appendChild(list);
    });
  });

  // The installable app: a service worker keeps the public pages opened here
  // for reading offline (static/js/sw.js). The page that installs it was
  // loaded before it: it asks for itself to be kept.
  var worker = document.documentElement.getAttribute("data-sw");
  if (worker && "serviceWorker" in navigator && window.isSecureContext) {
    var first = !navigator.serviceWorker.controller;
    navigator.serviceWorker.register(worker).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      if (first && registration.active) {
        registration.active.postMessage({ keep: window.location.href, language: document.documentElement.lang });
      }
    }).catch(function () { /* without it the site works as before, online */ });
  }

  // Notifications on this phone (a member's order alerts page, a buyer's
  // tracking page): where the browser can take web push, a button turns
  // them on (asks permission, subscribes with the site's key, posts the
  // subscription) or off (unsubscribes, and the site forgets it). Without
  // it the page says this browser cannot.
  var pushBox = document.querySelector("[data-push]");
  if (pushBox && "serviceWorker" in navigator && "PushManager" in window &&
      "Notification" in window && window.isSecureContext && worker) {
    setUpPush(pushBox);
  }

  function setUpPush(box) {
    var on = box.querySelector("[data-push-on]");
    var off = box.querySelector("[data-push-off]");
    var status = box.querySelector("[data-push-status]");
    var token = box.querySelector("input[name=csrf_token]") || document.querySelector("input[name=csrf_token]");

    function say(key) { status.textContent = key ? box.getAttribute("data-" + key) : ""; }
    function show(subscribed) { on.hidden = subscribed; off.hidden = !subscribed; }
    function key() {
      var text = box.getAttribute("data-key").replace(/-/g, "+").replace(/_/g, "/");
      var raw = window.atob(text + "===".slice((text.length + 3) % 4));
      var bytes = new Uint8Array(raw.length);
      for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
      return bytes;
    }
    function post(url, subscription) {
      var json = subscription.toJSON();
      var body = new FormData();
      body.append("csrf_token", token ? token.value : "");
      body.append("endpoint", json.endpoint);
      if (json.keys) {
        body.append("p256dh", json.keys.p256dh || "");
        body.append("auth", json.keys.auth || "");
      }
      return fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { if (!response.ok) { throw new Error(response.status); } });
    }

    navigator.serviceWorker.ready.then(function (registration) {
      return registration.pushManager.getSubscription().then(function (subscription) {
        box.querySelector("[data-push-unsupported]").hidden = true;
        // A subscription left from an earlier log-in on this phone is not
        // this person's: the site ended it at that log-out.
        var here = box.getAttribute("data-here") !== "no";
        show(Boolean(subscription) && here && Notification.permission === "granted");
        on.addEventListener("click", function () {
          on.disabled = true;
          Notification.requestPermission().then(function (permission) {
            if (permission !== "granted") { throw new Error("denied"); }
            return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key() });
          }).then(function (made) {
            return post(box.getAttribute("data-subscribe"), made);
          }).then(function () {
            show(true); say("on");
          }).catch(function (error) {
            say(Notification.permission === "denied" || error.message === "denied" ? "denied" : "failed");
          }).then(function () { on.disabled = false; });
        });
        off.addEventListener("click", function () {
          off.disabled = true;
          registration.pushManager.getSubscription().then(function (current) {
            if (!current) { return null; }
            return post(box.getAttribute("data-unsubscribe"), current).catch(function () { return null; })
              .then(function () { return current.unsubscribe(); });
          }).then(function () {
            show(false); say("off");
          }).catch(function () { say("failed"); }).then(function () { off.disabled = false; });
        });
      });
    }).catch(function () { /* no worker: the page keeps saying WhatsApp remains */ });
  }

  // Logging out (here or on every device) ends this phone's notifications:
  // the site forgets them with the login session; the browser's own
  // subscription is ended too before the form goes, so the phone is left as
  // it was before anyone turned them on. Never holds the log-out up long;
  // without the permission there is no subscription, and nothing to wait for.
  if ("serviceWorker" in navigator && "PushManager" in window && "Notification" in window &&
      worker && Notification.permission === "granted") {
    document.querySelectorAll("form[data-logout]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.getAttribute("data-logging-out")) { return; }
        event.preventDefault();
        form.setAttribute("data-logging-out", "yes");
        var done = false;
        function go() { if (!done) { done = true; form.submit(); } }
        window.setTimeout(go, 1500);
        navigator.serviceWorker.getRegistration().then(function (registration) {
          return registration ? registration.pushManager.getSubscription() : null;
        }).then(function (subscription) {
          return subscription ? subscription.unsubscribe() : null;
        }).catch(function () { return null; }).then(go);
      });
    });
  }

  // Data saver (shop.media.data_saver): a photo's placeholder loads the
  // smallest photo on the first tap, which then does not follow its link.
  document.addEventListener("click", function (event) {
    var image = event.target.closest && event.target.closest("img[data-saver-src]");
    if (!image) { return; }
    event.preventDefault();
    image.src = image.getAttribute("data-saver-src");
    image.removeAttribute("data-saver-src");
  });

  // Read-only link boxes: one tap selects the whole link for copying.
  document.querySelectorAll("input[readonly]").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });

  // Share box: where the clipboard API exists, a "Copy link" button copies the
  // link and says so in the status line (read out by screen readers).
  document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy-target"));
    var box = button.closest("[data-share-copy]");
    var status = box && box.querySelector("[role=status]");
    if (!input || !status || !navigator.clipboard || !window.isSecureContext) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        status.textContent = button.getAttribute("data-copied");
      }, function () {
        status.textContent = button.getAttribute("data-copy-failed");
        input.focus();
      });
    });
  });
})();
