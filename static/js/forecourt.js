/* Forecourt's own script (no third-party code). Pages work without it; with htmx it makes swaps
   accessible: a swap that removes the focused control moves focus to its neighbour (or the section's
   heading) instead of dropping it to <body>, and a failed htmx request says so in the page's status
   region (#live-status) instead of doing nothing — an expired session offers to log in again. */
(function () {
  "use strict";
  var next = null;  // where focus goes if the coming swap removes the focused control

  function firstControl(el) {
    return el && el.querySelector ? el.querySelector("button, a[href], input:not([type=hidden]), select, textarea") : null;
  }

  function heading(el) {
    var box = el && el.closest ? el.closest("section, form, main") : null;
    var h = box ? box.querySelector("h1, h2, h3") : null;
    if (h && !h.hasAttribute("tabindex")) { h.setAttribute("tabindex", "-1"); }
    return h;
  }

  function say(templateId, extra) {
    var region = document.getElementById("live-status"), tpl = document.getElementById(templateId);
    if (!region || !tpl) { return; }
    region.replaceChildren(tpl.content.cloneNode(true));
    if (extra) { extra(region); }
  }

  function restore() {
    var active = document.activeElement;
    if (next && next.isConnected && (!active || active === document.body || !active.isConnected)) {
      next.focus();
    }
    next = null;
  }

  document.addEventListener("htmx:beforeSwap", function (e) {
    var target = e.detail.target, active = document.activeElement;
    next = null;
    if (e.detail.shouldSwap && target && active && active !== document.body && target.contains(active)) {
      next = firstControl(target.nextElementSibling) || firstControl(target.previousElementSibling) || heading(target.parentElement);
      // after the swap (htmx swaps right after this event); the swapped-out element's own events
      // (afterSwap, afterSettle) never reach the document once it is detached
      window.setTimeout(restore, 0);
    }
  });

  document.addEventListener("htmx:responseError", function (e) {
    if (e.detail.xhr && e.detail.xhr.status === 401) {
      say("msg-session-expired", function (region) {
        var link = region.querySelector("a");
        if (link) { link.href = "/login?next=" + encodeURIComponent(location.pathname + location.search); }
      });
    } else {
      say("msg-request-failed");
    }
  });

  document.addEventListener("htmx:sendError", function () { say("msg-request-failed"); });
})();
