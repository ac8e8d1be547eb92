// The dashboard's small conveniences. Everything here has a server-side fallback: without
// this file, links are selectable text, "Generate" asks the server, and every date field shows.
// Its words come from data- attributes that the templates translate (data-copied,
// data-trouble): no English is written here.
(function () {
  "use strict";

  var PASSWORD_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

  function randomPassword(length) {
    var values = new Uint32Array(length);
    window.crypto.getRandomValues(values);
    var out = "";
    for (var i = 0; i < length; i++) {
      out += PASSWORD_ALPHABET.charAt(values[i] % PASSWORD_ALPHABET.length);
    }
    return out;
  }

  function showCustomExpiry(box) {
    var select = document.getElementById(box.getAttribute("data-expiry-custom"));
    if (select) {
      box.hidden = select.value !== "custom";
    }
  }

  function init(root) {
    if (navigator.clipboard && window.isSecureContext) {
      root.querySelectorAll("[data-copy]").forEach(function (button) {
        button.hidden = false;
      });
    }
    root.querySelectorAll("[data-expiry-custom]").forEach(showCustomExpiry);
    root.querySelectorAll("[data-detect-zone]").forEach(function (box) {
      var select = document.getElementById(box.getAttribute("data-detect-zone"));
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (select && zone && select.querySelector('option[value="' + CSS.escape(zone) + '"]')) {
        select.value = zone;
      }
    });
  }

  document.addEventListener("click", function (event) {
    var copy = event.target.closest("[data-copy]");
    if (copy) {
      navigator.clipboard.writeText(copy.getAttribute("data-copy")).then(function () {
        var label = copy.textContent;
        copy.textContent = copy.getAttribute("data-copied") || label;
        setTimeout(function () { copy.textContent = label; }, 2000);
      });
      return;
    }
    var generate = event.target.closest("[data-generate-password]");
    if (generate && window.crypto && window.crypto.getRandomValues) {
      var input = document.getElementById(generate.getAttribute("data-generate-password"));
      if (input) {
        event.preventDefault();
        input.value = randomPassword(12);
        input.dispatchEvent(new Event("input", { bubbles: true }));
        input.focus();
      }
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target.matches("select")) {
      document.querySelectorAll('[data-expiry-custom="' + CSS.escape(event.target.id) + '"]')
        .forEach(showCustomExpiry);
    }
  });

  // A form sent back with its errors (400), and problems that name where they go
  // (HX-Retarget), are meant to be shown: htmx leaves error answers out unless told.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status === 400 || xhr.getResponseHeader("HX-Retarget")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  function sayTrouble() {
    var alert = document.getElementById("dashboard-alert");
    if (alert) {
      alert.textContent = alert.getAttribute("data-trouble");
    }
  }
  document.addEventListener("htmx:sendError", sayTrouble);
  document.addEventListener("htmx:responseError", function (event) {
    if (!event.detail.xhr.getResponseHeader("HX-Retarget")) {
      sayTrouble();
    }
  });

  document.addEventListener("htmx:load", function (event) { init(event.detail.elt); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
