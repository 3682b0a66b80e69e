// The call screen: single-key shortcuts, the draft saved as the operator types, repeat callers.
// Every page still works without this file. No inline script (CSP).
"use strict";

(function () {
  const TEXT_ENTRY = "input:not([type=radio]):not([type=checkbox]):not([type=submit]):not([type=hidden]), textarea, select";
  const form = document.getElementById("call-form");
  let submitting = false;

  function inCallForm(element) {
    return Boolean(form && element && form.contains(element));
  }

  function typing(element) {
    return Boolean(element && element.matches && element.matches(TEXT_ENTRY));
  }

  function formHasInput() {
    if (!form) return false;
    return Array.from(form.elements).some((el) =>
      (el.matches("input[type=text], input[type=tel], input:not([type]), textarea") && el.value.trim() !== "") ||
      (el.matches("input[type=radio], input[type=checkbox]") && el.checked && el.value !== ""));
  }

  // Keys: a shortcut fires only while the cursor is outside the call form, so typing in
  // the form can never close the call by accident. Esc leaves the form.
  document.addEventListener("keydown", (event) => {
    const active = document.activeElement;
    if (form && event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      document.getElementById("log-call").click();
      return;
    }
    if (event.key === "Escape" && (inCallForm(active) || typing(active))) {
      active.blur();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(active) || inCallForm(active)) return;
    const key = event.key.toLowerCase();
    if (key === "d" && form) {
      event.preventDefault();
      const first = form.querySelector(".first-field input");
      if (first) first.focus();
      return;
    }
    const button = document.querySelector(`[data-shortcut="${CSS.escape(key)}"]`);
    if (button) {
      event.preventDefault();
      button.click();
    }
  });

  // A non-data button throws away what was typed in the form: ask first if anything was.
  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("#close-form button[name=call_type]");
    if (button && formHasInput() && !window.confirm(document.getElementById("close-form").dataset.discardWarning)) {
      event.preventDefault();
    }
  });

  const timer = document.getElementById("call-timer");
  if (timer) {
    const shownAt = Date.now();
    const elapsedAtLoad = Number(timer.dataset.elapsed) || 0;
    const tick = () => {
      const seconds = elapsedAtLoad + Math.floor((Date.now() - shownAt) / 1000);
      timer.textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
    };
    tick();
    setInterval(tick, 1000);
  }

  if (!form) return;

  // Autosave: on every change, shortly after typing stops, and every few seconds while
  // anything is unsaved; one save in flight at a time, each numbered so that the server
  // keeps the newest.
  const status = document.getElementById("autosave-status");
  const seqInput = document.getElementById("save_seq");
  let seq = Number(seqInput.value) || 0;
  let dirty = false;
  let inFlight = false;
  let pending = null;

  function formBody() {
    seq += 1;
    seqInput.value = String(seq);
    const body = new FormData(form);
    body.append("fetch", "1");
    return body;
  }

  function showSaved() {
    // In the page's language and on the 24-hour clock, as the server writes times.
    const time = new Date().toLocaleTimeString(document.documentElement.lang || [],
      { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
    status.textContent = status.dataset.savedText.replace("{time}", time);
    status.classList.remove("failed");
  }

  function save() {
    if (!dirty || submitting) return;
    if (inFlight) return;
    dirty = false;
    inFlight = true;
    fetch(form.dataset.autosaveUrl, {
      method: "POST", body: formBody(), credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    })
      .then((response) => { if (!response.ok) throw new Error(String(response.status)); return response.json(); })
      .then(showSaved)
      .catch(() => {
        dirty = true;
        status.textContent = status.dataset.failedText;
        status.classList.add("failed");
      })
      .finally(() => { inFlight = false; });
  }

  function saveSoon(delay) {
    dirty = true;
    clearTimeout(pending);
    pending = setTimeout(save, delay);
  }

  form.addEventListener("input", () => saveSoon(800));
  form.addEventListener("change", () => saveSoon(0));
  setInterval(save, 5000);
  form.addEventListener("submit", () => { submitting = true; });
  document.getElementById("close-form").addEventListener("submit", () => { submitting = true; });
  window.addEventListener("pagehide", () => {
    if (dirty && !submitting && navigator.sendBeacon) {
      navigator.sendBeacon(form.dataset.autosaveUrl, formBody());
    }
  });

  // Repeat callers: looked up by POST as a phone number or name is typed; the panel's choices are
  // part of the form.
  const panel = document.getElementById("repeat-callers");
  let lookupTimer = null;
  let lastLookup = "";

  function chosen(name) {
    const input = form.querySelector(`input[name=${name}]:checked`);
    return input ? input.value : "";
  }

  function value(name) {
    const input = form.querySelector(`[name=${name}]`);
    return input ? input.value.trim() : "";
  }

  function lookUp() {
    const phone = value("caller_phone") || value("survivor_phone");
    const name = value("survivor_name");
    const usable = (phone.match(/\d/g) || []).length >= 8 || name.split(/\s+/).length >= 2;
    const key = `${phone}|${name}`;
    if (!usable || key === lastLookup) return;
    lastLookup = key;
    const body = new FormData();
    body.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
    body.append("phone", phone);
    body.append("name", name);
    body.append("previous_call_id", chosen("previous_call_id"));
    body.append("link_case_id", chosen("link_case_id"));
    body.append("confirm_same_survivor", chosen("confirm_same_survivor"));
    fetch(form.dataset.repeatUrl, {
      method: "POST", body, credentials: "same-origin", headers: { "X-Requested-With": "fetch" },
    })
      .then((response) => (response.ok ? response.text() : ""))
      .then((html) => { panel.innerHTML = html; });
  }

  form.addEventListener("input", (event) => {
    if (!event.target.matches("[data-lookup]")) return;
    clearTimeout(lookupTimer);
    lookupTimer = setTimeout(lookUp, 500);
  });
}());
