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
