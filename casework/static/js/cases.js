// Keep deadline countdowns current while a case page stays open; the served text is the same.
"use strict";

(function () {
  const words = document.getElementById("countdown-words");
  if (!words) {
    return;
  }
  const fill = (template, values) =>
    template.replace(/\{(\w)\}/g, (_match, key) => String(values[key]));

  function describe(seconds) {
    const days = Math.floor(seconds / 86400);
    const hours = Math.floor((seconds % 86400) / 3600);
    const minutes = Math.floor((seconds % 3600) / 60);
    return days
      ? fill(words.dataset.long, { d: days, h: hours })
      : fill(words.dataset.short, { h: hours, m: minutes });
  }

  // A browser's clock may be minutes or hours off: count from the server's time instead.
  const skew = (Date.parse(words.dataset.now) - Date.now()) || 0;

  function update() {
    const now = Date.now() + skew;
    document.querySelectorAll(".countdown[data-due]").forEach((element) => {
      const seconds = Math.round((Date.parse(element.dataset.due) - now) / 1000);
      const overdue = seconds < 0;
      const text = describe(Math.abs(seconds));
      element.textContent = fill(overdue ? words.dataset.overdue : words.dataset.left, { t: text });
      element.classList.toggle("overdue", overdue);
    });
  }

  update();
  window.setInterval(update, 30000);
})();
