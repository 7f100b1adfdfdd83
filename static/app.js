// Progressive enhancement only: everything works without JavaScript.
(function () {
  "use strict";
  // Move focus to the error summary so screen-reader and keyboard users hear the problems.
  var summary = document.querySelector("[data-focus-on-load]");
  if (summary) { summary.focus(); }

  // "None of these" is exclusive: ticking it clears the others, and the other way round.
  document.querySelectorAll("input[type=checkbox]").forEach(function (box) {
    box.addEventListener("change", function () {
      if (!box.checked) { return; }
      var group = document.querySelectorAll("input[type=checkbox][name='" + box.name + "']");
      group.forEach(function (other) {
        if (other !== box && (box.hasAttribute("data-exclusive") || other.hasAttribute("data-exclusive"))) {
          other.checked = false;
        }
      });
    });
  });

  // Follow-up questions show only after the answers that need them (GOV.UK conditional
  // reveal). Without JavaScript they always show, with a hint saying when to answer.
  document.querySelectorAll("[data-follows]").forEach(function (block) {
    var radios = document.querySelectorAll("input[type=radio][name='" + block.getAttribute("data-follows") + "']");
    var answers = block.getAttribute("data-answers").split(" ");
    function update() {
      var chosen = Array.prototype.filter.call(radios, function (r) { return r.checked; })[0];
      var open = Boolean(chosen) && answers.indexOf(chosen.value) !== -1;
      block.hidden = !open;
      radios.forEach(function (r) {
        if (answers.indexOf(r.value) !== -1) { r.setAttribute("aria-controls", block.id); }
      });
    }
    radios.forEach(function (r) { r.addEventListener("change", update); });
    block.querySelector(".hint").hidden = true;  // the reveal itself says when
    update();
  });

  // The live queue: poll every 15 seconds; when a new screening of any level arrives, fetch
  // the queue again, swap the lanes and the table in and announce it politely.
  var live = document.getElementById("queue-live");
  if (live && window.fetch && window.DOMParser) {
    live.querySelectorAll(".no-js-only").forEach(function (el) { el.hidden = true; });
    live.querySelectorAll(".js-only").forEach(function (el) { el.hidden = false; });
    var announcer = document.getElementById("queue-announcer");
    var poll = function () {
      // The poll and the refresh are not activity: the 30-minute idle limit still holds. Once
      // the session has ended the poll lands on the sign-in page: reload to show it.
      fetch(live.getAttribute("data-live-url"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) {
          if (r.redirected) { window.location.reload(); return null; }
          return r.ok ? r.json() : null;
        })
        .then(function (state) {
          if (!state || (state.newest || "") === live.getAttribute("data-newest")) { return null; }
          live.setAttribute("data-newest", state.newest || "");
          return fetch(window.location.href, {credentials: "same-origin", headers: {"X-Screener-Refresh": "queue"}})
            .then(function (r) { return r.ok ? r.text() : null; })
            .then(function (html) {
              if (!html) { return; }
              var fresh = new DOMParser().parseFromString(html, "text/html");
              var results = fresh.getElementById("queue-results");
              if (results) { document.getElementById("queue-results").innerHTML = results.innerHTML; }
              document.title = fresh.title;
              var tabs = fresh.getElementById("queue-lanes");
              if (tabs) { document.getElementById("queue-lanes").innerHTML = tabs.innerHTML; }
              announcer.textContent = state.arrived + " " + state.waiting_words;
            });
        })
        .catch(function () { /* offline for a moment: try again at the next tick */ });
    };
    window.setInterval(poll, Number(live.getAttribute("data-interval") || 15000));
  }

  // The timeout warning (issue 24): before a staff session ends for want of activity, say so
  // and offer to stay signed in. The server says how long is left (activity in another tab
  // counts; asking does not), so the warning shows only when the end is really near.
  var warning = document.getElementById("timeout-warning");
  if (warning && window.fetch && window.FormData) {
    var warnFor = Number(warning.getAttribute("data-warn-seconds"));
    var idleFor = Number(warning.getAttribute("data-idle-seconds"));
    var stay = warning.querySelector("form");
    var timer = null;
    var schedule = function (seconds) {
      window.clearTimeout(timer);
      timer = window.setTimeout(check, Math.max(1, seconds) * 1000);
    };
    var ended = function () {
      var said = warning.querySelector(".timeout-left");
      warning.querySelector("h2").textContent = "You have been signed out";
      said.textContent = said.getAttribute("data-ended");
      stay.hidden = true;
      warning.hidden = false;
    };
    var check = function () {
      fetch(warning.getAttribute("data-status-url"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (state) {
          if (!state) { schedule(30); return; }
          if (state.seconds_left <= 0) { ended(); return; }
          if (state.seconds_left > warnFor) { warning.hidden = true; schedule(state.seconds_left - warnFor); return; }
          warning.hidden = false;
          schedule(Math.min(state.seconds_left + 1, 15));
        })
        .catch(function () { schedule(30); });
    };
    stay.addEventListener("submit", function (event) {
      event.preventDefault();  // stay on this page: nothing typed here is disturbed
      fetch(stay.action, {method: "POST", credentials: "same-origin", headers: {"Accept": "application/json"}, body: new FormData(stay)})
        .then(function (r) { return r.ok && !r.redirected ? r.json() : null; })
        .then(function (state) {
          if (!state) { ended(); return; }
          warning.hidden = true;
          schedule(state.seconds_left - warnFor);
        })
        .catch(function () { schedule(5); });
    });
    schedule(idleFor - warnFor);
  }

  // Copy "what to tell" to the clipboard; without JavaScript the text stays selectable.
  document.querySelectorAll(".js-copy").forEach(function (button) {
    if (!navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = document.getElementById(button.getAttribute("data-copy-target")).innerText;
      navigator.clipboard.writeText(text).then(function () { button.textContent = "Copied"; });
    });
  });
  // The refill form's dates, worked out by the server as the form is filled in (the same
  // arithmetic as when it is saved); without JavaScript, "Work out the dates" does it.
  document.querySelectorAll("form[data-refill-preview]").forEach(function (form) {
    var timer = null;
    var refresh = function () {
      var body = new FormData(form);
      body.set("action", "preview");
      fetch(form.getAttribute("action"), {method: "POST", credentials: "same-origin", headers: {"X-Preview": "1"}, body: body})
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          var shown = document.getElementById("refill-projection");
          if (!html || !shown) { return; }
          var made = new DOMParser().parseFromString(html, "text/html").getElementById("refill-projection");
          // Only a change is swapped in: a screen reader reads the region again when it is.
          if (made && made.innerHTML !== shown.innerHTML) { shown.innerHTML = made.innerHTML; }
        })
        .catch(function () { return null; });
    };
    form.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 400);
    });
  });

  // A form that records something once is sent once: a second press does nothing.
  // A page kept by the browser for Back sends again: the server says it was recorded.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("form[data-sent]").forEach(function (form) { form.removeAttribute("data-sent"); });
  });
  document.querySelectorAll("[data-prevent-double-click]").forEach(function (button) {
    button.form.addEventListener("submit", function (event) {
      if (event.submitter !== button) { return; }
      if (button.form.hasAttribute("data-sent")) { event.preventDefault(); return; }
      button.form.setAttribute("data-sent", "");
    });
  });
})();
