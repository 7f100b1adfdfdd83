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

  // Copy "what to tell" to the clipboard; without JavaScript the text stays selectable.
  document.querySelectorAll(".js-copy").forEach(function (button) {
    if (!navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = document.getElementById(button.getAttribute("data-copy-target")).innerText;
      navigator.clipboard.writeText(text).then(function () { button.textContent = "Copied"; });
    });
  });
})();
