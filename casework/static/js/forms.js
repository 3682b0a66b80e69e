// Forms: a live count under every limited text, and the focus on the first field in error
// after a refused submit. Every form works without this file. No inline script (CSP).
"use strict";

(function () {
  const NEAR = 0.9; // from this share of the limit, the count turns amber and is announced

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
  }

  // One polite live region per counter: it speaks only near the limit and at the limit, so a
  // screen reader is not interrupted at every key.
  function attachCounter(counter) {
    const input = document.getElementById(counter.dataset.counterFor);
    if (!input) return;
    const max = Number(counter.dataset.max);
    const live = document.createElement("span");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    live.id = counter.id + "-live";
    counter.after(live);
    let lastState = "";
    const update = () => {
      const count = input.value.length;
      const left = Math.max(max - count, 0);
      const state = count >= max ? "full" : count >= max * NEAR ? "near" : "";
      counter.textContent = fill(counter.dataset.countText, { count, max });
      counter.classList.toggle("near", state === "near");
      counter.classList.toggle("full", state === "full");
      if (state !== lastState) {
        if (state === "full") live.textContent = fill(counter.dataset.fullText, { max });
        else if (state === "near") live.textContent = fill(counter.dataset.nearText, { left });
        else live.textContent = "";
        lastState = state;
      }
    };
    input.addEventListener("input", update);
    update();
  }

  function focusFirstError() {
    const summary = document.querySelector(".error-summary");
    if (!summary) return;
    const form = summary.closest("form") || summary.parentElement;
    const first = (form && form.querySelector("[aria-invalid=true]")) ||
      document.querySelector("[aria-invalid=true]");
    if (first) {
      first.focus();
      if (first.scrollIntoView) first.scrollIntoView({ block: "center" });
    } else {
      summary.setAttribute("tabindex", "-1");
      summary.focus();
    }
  }

  // A link in the summary moves the focus to its field, not only the scroll.
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    if (!link) return;
    const target = document.getElementById(link.getAttribute("href").slice(1));
    if (target) {
      event.preventDefault();
      target.focus();
      if (target.scrollIntoView) target.scrollIntoView({ block: "center" });
    }
  });

  document.querySelectorAll(".counter[data-counter-for]").forEach(attachCounter);
  // After the other deferred scripts, which may still wrap the fields (date picker, pick lists).
  if (document.readyState === "complete") focusFirstError();
  else document.addEventListener("DOMContentLoaded", focusFirstError);
})();
