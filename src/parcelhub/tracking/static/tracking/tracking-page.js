// Tracking page: copy a coupon code (and count the copy), bring the NPS question into view when asked.
(function () {
  "use strict";
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    var area = document.createElement("textarea");
    area.value = text;
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } finally { document.body.removeChild(area); }
    return Promise.resolve();
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".tp-copy");
    if (!button) { return; }
    copyText(button.dataset.copy).then(function () { button.textContent = button.dataset.done; });
    if (button.dataset.beacon && navigator.sendBeacon) { navigator.sendBeacon(button.dataset.beacon); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var focus = document.querySelector(".tp-nps.tp-focus");
    if (focus) { focus.scrollIntoView({ block: "center" }); }
  });
})();
