// Small progressive enhancements; every page works without them. No inline script (CSP).
"use strict";

document.documentElement.classList.add("js");

document.addEventListener("change", (event) => {
  const target = event.target;
  if (target.matches && target.matches("select.auto-submit")) {
    target.form.submit();
  }
});

document.addEventListener("click", (event) => {
  const button = event.target.closest && event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});
