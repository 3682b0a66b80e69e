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

// Words a call screen kept in this tab to survive a reload serve that screen only: any other
// page (signing out included) removes them, so that nothing typed about a caller stays behind.
if (!document.getElementById("call-form")) {
  try {
    Object.keys(sessionStorage).filter((key) => key.startsWith("casework.unsent."))
      .forEach((key) => sessionStorage.removeItem(key));
  } catch (error) {
    // Storage refused: nothing was kept either.
  }
}
