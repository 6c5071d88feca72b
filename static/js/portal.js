// KOSMO Web shell enhancements. Every page works without this file: the menu is simply
// shown open on phones.
(function () {
  "use strict";
  document.documentElement.classList.replace("no-js", "js");

  function setupMenuToggle() {
    var toggle = document.querySelector(".menu-toggle");
    var menu = document.getElementById("site-menu");
    if (!toggle || !menu) {
      return;
    }
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      menu.classList.toggle("is-open", open);
      if (open) {
        var first = menu.querySelector("a");
        if (first) { first.focus(); }
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.classList.contains("is-open")) {
        toggle.setAttribute("aria-expanded", "false");
        menu.classList.remove("is-open");
        toggle.focus();
      }
    });
  }

  // Idle timeout (accounts.middleware): warn two minutes before the server signs the session
  // out; 「ログインを続ける」 counts as activity.
  function setupIdleWarning() {
    var meta = document.querySelector('meta[name="kosmo-idle-timeout"]');
    if (!meta) {
      return;
    }
    var timeoutMs = parseInt(meta.content, 10) * 1000;
    var warnBeforeMs = Math.min(120000, timeoutMs / 2);
    var csrf = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    var warnTimer, expireTimer, box;

    function schedule() {
      clearTimeout(warnTimer);
      clearTimeout(expireTimer);
      warnTimer = setTimeout(showWarning, timeoutMs - warnBeforeMs);
      expireTimer = setTimeout(function () {
        window.location.href = meta.dataset.loginUrl + "?next=" + encodeURIComponent(window.location.pathname);
      }, timeoutMs + 1000);
    }

    // A modal: focus moves to its button, stays inside while it is open (Tab and Shift+Tab
    // come back to the button) and returns to where the member was when it closes.
    var returnFocus;
    function showWarning() {
      if (box) { return; }
      returnFocus = document.activeElement;
      box = document.createElement("div");
      box.className = "idle-warning";
      box.setAttribute("role", "alertdialog");
      box.setAttribute("aria-modal", "true");
      box.setAttribute("aria-labelledby", "idle-warning-text");
      var text = document.createElement("p");
      text.id = "idle-warning-text";
      text.textContent = "まもなく自動的にログアウトします。操作を続ける場合は「ログインを続ける」を押してください。";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button--primary";
      button.textContent = "ログインを続ける";
      button.addEventListener("click", keepAlive);
      box.addEventListener("keydown", function (event) {
        if (event.key === "Tab") {
          event.preventDefault();
          button.focus();
        }
      });
      box.appendChild(text);
      box.appendChild(button);
      document.body.appendChild(box);
      button.focus();
    }

    function closeWarning() {
      box.remove();
      box = null;
      if (returnFocus && returnFocus.isConnected) { returnFocus.focus(); }
    }

    function keepAlive() {
      fetch(meta.dataset.keepaliveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: {"X-CSRFToken": csrf ? decodeURIComponent(csrf[1]) : ""}
      }).then(function (response) {
        if (response.ok) {
          if (box) { closeWarning(); }
          schedule();
        } else {
          window.location.href = meta.dataset.loginUrl;
        }
      });
    }

    schedule();
  }

  // Background documents: poll the job until it is ready, failed or overdue, then show the
  // page's state for it (without JavaScript the member reloads with 「更新」).
  function setupDocumentStatus() {
    var box = document.querySelector(".document-status[data-status-url]");
    if (!box || ["ready", "failed", "overdue"].indexOf(box.dataset.state) !== -1) {
      return;
    }
    var delay = 1000;
    function poll() {
      fetch(box.dataset.statusUrl, {credentials: "same-origin"})
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (data.state === "ready" || data.state === "failed" || data.overdue) {
            window.location.reload();
          } else {
            delay = Math.min(delay * 1.5, 10000);
            setTimeout(poll, delay);
          }
        })
        .catch(function () { setTimeout(poll, 10000); });
    }
    setTimeout(poll, delay);
  }

  function setup() {
    setupMenuToggle();
    setupIdleWarning();
    setupDocumentStatus();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
