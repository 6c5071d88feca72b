/* 日々の記録: the record page opens as a modal over the TOP page; 「<」「>」 and the calendar
   reload the modal's content. Without JavaScript every link is an ordinary page. */
(function () {
  "use strict";

  function load(dialog, url) {
    return fetch(url, {credentials: "same-origin"})
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var body = doc.querySelector("[data-record-modal-body]");
        if (!body) { window.location.href = url; return; }
        dialog.replaceChildren(document.importNode(body, true));
        wire(dialog);
        if (!dialog.open) { dialog.showModal(); }
        var input = dialog.querySelector("input[name=value]");
        if (input) { input.focus(); }
      })
      .catch(function () { window.location.href = url; });
  }

  function wire(dialog) {
    dialog.querySelectorAll("[data-record-nav]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        load(dialog, link.href);
      });
    });
    var calendar = dialog.querySelector("[data-record-calendar]");
    if (calendar) {
      calendar.addEventListener("change", function () {
        var params = new URLSearchParams(new FormData(calendar));
        load(dialog, calendar.action + "?" + params.toString());
      });
      calendar.addEventListener("submit", function (event) {
        event.preventDefault();
        var params = new URLSearchParams(new FormData(calendar));
        load(dialog, calendar.action + "?" + params.toString());
      });
    }
    var close = dialog.querySelector("[data-record-close]");
    if (close) {
      close.addEventListener("click", function (event) {
        event.preventDefault();
        dialog.close();
      });
    }
  }

  function setupCalendar() {
    // On a page of its own (no modal), a chosen date shows that day at once.
    document.querySelectorAll("[data-record-calendar]").forEach(function (calendar) {
      if (calendar.closest("dialog")) { return; }
      calendar.addEventListener("change", function () { calendar.submit(); });
    });
  }

  function setup() {
    setupCalendar();
    var dialog = document.getElementById("records-dialog");
    if (!dialog || typeof dialog.showModal !== "function") { return; }
    document.querySelectorAll("a[data-record-modal]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        load(dialog, link.href);
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
