/* チャレンジ記録: on チャレンジ詳細 a date's record screen and the 「■」 delete confirmation open as
   modals (manual §4-8); 「<」「>」 and the calendar reload the modal for another date. Without
   JavaScript each is an ordinary page and every form posts as usual. */
(function () {
  "use strict";

  function load(dialog, url) {
    return fetch(url, {credentials: "same-origin"})
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var body = doc.querySelector("[data-challenge-modal-body]");
        if (!body) { window.location.href = url; return; }
        dialog.replaceChildren(document.importNode(body, true));
        wire(dialog);
        if (!dialog.open) { dialog.showModal(); }
        var first = dialog.querySelector("input:checked, button[type=submit]");
        if (first) { first.focus(); }
      })
      .catch(function () { window.location.href = url; });
  }

  function dateUrl(input) {
    var form = input.form;
    var base = form.getAttribute("data-record-url") || window.location.pathname;
    return base + "?date=" + encodeURIComponent(input.value);
  }

  function wire(dialog) {
    dialog.querySelectorAll("[data-challenge-nav]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        load(dialog, link.href);
      });
    });
    dialog.querySelectorAll("input[data-challenge-date]").forEach(function (input) {
      input.addEventListener("change", function () {
        if (input.value) { load(dialog, dateUrl(input)); }
      });
    });
    dialog.querySelectorAll("[data-challenge-close]").forEach(function (close) {
      close.addEventListener("click", function (event) {
        event.preventDefault();
        dialog.close();
      });
    });
  }

  function setup() {
    // On a page of its own, a date chosen in the calendar shows that date's mark at once.
    document.querySelectorAll("input[data-challenge-date]").forEach(function (input) {
      if (input.closest("dialog")) { return; }
      input.addEventListener("change", function () {
        if (input.value) { window.location.href = dateUrl(input); }
      });
    });
    var dialog = document.getElementById("challenge-dialog");
    if (!dialog || typeof dialog.showModal !== "function") { return; }
    document.querySelectorAll("a[data-challenge-modal]").forEach(function (link) {
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
