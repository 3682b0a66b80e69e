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
// On a narrow screen the menu starts folded behind its button; on a wide one it stays open
// as served (without script it is always open, so nothing is ever out of reach).
const navToggle = document.getElementById("nav-toggle");
if (navToggle) {
  const narrow = window.matchMedia("(max-width: 1023px)");
  const fold = () => {
    navToggle.open = !narrow.matches;
  };
  fold();
  narrow.addEventListener("change", fold);
}

// A table stacked as cards on a narrow screen names each value after its column; rows the
// server already labelled are left alone.
document.querySelectorAll("table.table").forEach((table) => {
  const heads = Array.from(table.querySelectorAll("thead th"), (th) => th.textContent.trim());
  table.querySelectorAll("tbody tr").forEach((row) => {
    if (row.querySelector("[colspan]")) {
      return;
    }
    Array.from(row.children).forEach((cell, index) => {
      if (cell.tagName === "TD" && !cell.hasAttribute("data-label") && heads[index]) {
        cell.dataset.label = heads[index];
      }
    });
  });
});
