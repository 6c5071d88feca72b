// 資格情報のお知らせ and 資格確認書. The pages work without this file: the notice page is
// reloaded by hand (「更新」) and the certificate shows the time it was opened.
(function () {
  "use strict";

  // Each generating row asks kosmo's JSON status endpoint until its PDF is ready, failed or
  // overdue, then shows that state's part of the row (rendered by the server, hidden until
  // now).
  function setupNoticeRows() {
    var cells = document.querySelectorAll(".eligibility-notice__output[data-status-url]");
    Array.prototype.forEach.call(cells, function (cell) {
      var state = cell.dataset.jobState;
      if (state === "ready" || state === "failed" || state === "overdue") {
        return;
      }
      var delay = 1000;
      function show(newState) {
        cell.dataset.jobState = newState;
        Array.prototype.forEach.call(cell.querySelectorAll("[data-state-view]"), function (view) {
          view.hidden = view.dataset.stateView.split(" ").indexOf(newState) === -1;
        });
      }
      function poll() {
        fetch(cell.dataset.statusUrl, {credentials: "same-origin", cache: "no-store"})
          .then(function (response) {
            // A job that is gone (expired, signed out) stops the polling; reload shows why.
            return response.ok ? response.json() : {state: "gone"};
          })
          .then(function (data) {
            if (data.state === "gone") {
              return;
            }
            if (data.state === "ready" || data.state === "failed") {
              show(data.state);
            } else if (data.overdue) {
              show("overdue");  // past its deadline: 「再試行」
            } else {
              delay = Math.min(delay * 1.5, 10000);
              setTimeout(poll, delay);
            }
          })
          .catch(function () { setTimeout(poll, 10000); });
      }
      setTimeout(poll, delay);
    });
  }

  // The live clock: today's 和暦 date and the time to the second, in Japan time. The server
  // gives the era and its first year (kosmo.dates is the one era utility).
  function setupLiveClock() {
    var clock = document.querySelector("[data-live-clock]");
    if (!clock || typeof Intl === "undefined") {
      return;
    }
    var target = clock.querySelector("time") || clock;
    var era = clock.dataset.era;
    var firstYear = parseInt(clock.dataset.eraFirstYear, 10);
    var format = new Intl.DateTimeFormat("en-US", {
      timeZone: "Asia/Tokyo", year: "numeric", month: "numeric", day: "numeric",
      hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23"
    });
    function pad(value) { return ("0" + value).slice(-2); }
    function tick() {
      var parts = {};
      format.formatToParts(new Date()).forEach(function (part) { parts[part.type] = part.value; });
      var year = parseInt(parts.year, 10) - firstYear + 1;
      target.textContent = era + (year === 1 ? "元" : year) + "年" + parseInt(parts.month, 10) +
        "月" + parseInt(parts.day, 10) + "日 " + pad(parts.hour) + "時" + pad(parts.minute) +
        "分" + pad(parts.second) + "秒";
    }
    tick();
    setInterval(tick, 1000);
  }

  function setup() {
    setupNoticeRows();
    setupLiveClock();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
