// Screen readers: name every slider handle after its label and announce the value shown
// beside it. (ipywidgets leaves the handle unnamed, and its aria-valuetext is the position,
// 0, 1, 2, not the value.) The sliders work without this file; it only adds the names.
(function () {
  function name(slider) {
    const handle = slider.querySelector(".noUi-handle");
    const label = slider.querySelector(".widget-label");
    const readout = slider.querySelector(".widget-readout");
    if (!handle || !label || !readout) return;
    if (handle.getAttribute("aria-label") !== label.textContent.trim()) {
      handle.setAttribute("aria-label", label.textContent.trim());
    }
    if (handle.getAttribute("aria-valuetext") !== readout.textContent.trim()) {
      handle.setAttribute("aria-valuetext", readout.textContent.trim());
    }
  }
  function nameAll() {
    document.querySelectorAll(".widget-slider").forEach(name);
  }
  new MutationObserver(nameAll).observe(document.documentElement, {
    subtree: true, childList: true, characterData: true,
    attributes: true, attributeFilter: ["aria-valuenow", "aria-valuetext"],
  });
  document.addEventListener("DOMContentLoaded", nameAll);
})();
