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
  // anything is unsaved; one save in flight at a time. A save names the draft version the
  // page holds, the page (a random name kept across a reload of the tab) and the page's own
  // number for it: the server keeps a page's newest save and refuses one made on text that
  // another tab or window has replaced. The page says "saved" only when the server did.
  const status = document.getElementById("autosave-status");
  const notice = document.getElementById("draft-notice");
  const hidden = (name) => document.getElementById(name);
  const draftId = form.dataset.draftId;
  const memoryKey = `casework.unsent.${draftId}`;
  const NOT_TYPED = new Set(["csrf_token", "save_seq", "base_version", "writer", "fetch"]);
  const stored = { version: Number(form.dataset.version) || 0, writer: form.dataset.writer,
                   seq: Number(form.dataset.seq) || 0 };
  let dirty = false;
  let inFlight = false;
  let halted = false;
  let leaving = false;
  let pending = null;

  function newWriter() {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // What this tab's previous page left unsent when it was reloaded or left, read once: a tab
  // duplicated later finds nothing and so never writes as this one.
  function takeLeftBehind() {
    let left = null;
    try {
      left = JSON.parse(sessionStorage.getItem(memoryKey) || "null");
      sessionStorage.removeItem(memoryKey);
    } catch (error) {
      left = null;
    }
    return left && typeof left.writer === "string" ? left : null;
  }

  const left = takeLeftBehind();
  const page = { writer: left ? left.writer : newWriter(), version: stored.version,
                 seq: left ? Number(left.seq) || 0 : 0 };
  if (stored.writer === page.writer) page.seq = Math.max(page.seq, stored.seq);
  hidden("writer").value = page.writer;
  hidden("save_seq").value = String(page.seq);

  function typedPairs() {
    return Array.from(new FormData(form)).filter(([name, value]) =>
      typeof value === "string" && !NOT_TYPED.has(name));
  }

  function fill(pairs) {
    const values = new Map();
    pairs.forEach(([name, value]) => values.set(name, (values.get(name) || []).concat([value])));
    Array.from(form.elements).forEach((el) => {
      if (!el.name || NOT_TYPED.has(el.name) || ["submit", "button", "hidden"].includes(el.type)) return;
      const list = values.get(el.name) || [];
      if (el.type === "radio" || el.type === "checkbox") el.checked = list.includes(el.value);
      else if (el.multiple) Array.from(el.options).forEach((o) => { o.selected = list.includes(o.value); });
      else el.value = list.length ? list[0] : "";
    });
  }

  // The unsent text is newer than the server's when the server's last save is an earlier one
  // of this tab, or was made by someone else before the text was typed on top of it.
  function newerThanStored(unsent) {
    if (!unsent.fields) return false;
    if (stored.writer === unsent.writer) return stored.seq < Number(unsent.seq);
    return stored.version === Number(unsent.version);
  }

  function formBody() {
    page.seq += 1;
    hidden("save_seq").value = String(page.seq);
    hidden("base_version").value = String(page.version);
    const body = new FormData(form);
    body.append("fetch", "1");
    return body;
  }

  function show(text, failed) {
    status.textContent = text;
    status.classList.toggle("failed", failed);
  }

  function tell(text, choices) {
    notice.hidden = false;
    notice.querySelector(".draft-notice-choices").hidden = !choices;
    document.getElementById("draft-notice-text").textContent = text;
  }

  function answerOf(response) {
    if ((response.headers.get("Content-Type") || "").includes("application/json")) return response.json();
    const signedOut = response.redirected && new URL(response.url).pathname.startsWith("/login");
    throw new Error(signedOut ? "signed-out" : String(response.status));
  }

  function settle(answer) {
    if (answer.saved) {
      page.version = answer.version;
      show(answer.message, false);
      return;
    }
    // Refused: nothing more is sent until the operator chooses; the text stays on the page.
    halted = true;
    dirty = true;
    show(answer.message, true);
    tell(answer.message, answer.reason === "conflict" || answer.reason === "stale");
    page.conflict = answer;
  }

  function save() {
    if (!dirty || submitting || inFlight || halted) return;
    dirty = false;
    inFlight = true;
    fetch(form.dataset.autosaveUrl, {
      method: "POST", body: formBody(), credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    })
      .then(answerOf)
      .then(settle)
      .catch((error) => {
        dirty = true;
        show(error.message === "signed-out" ? status.dataset.signedOutText : status.dataset.failedText, true);
      })
      .finally(() => { inFlight = false; });
  }

  function saveSoon(delay) {
    dirty = true;
    clearTimeout(pending);
    pending = setTimeout(save, delay);
  }

  // The operator chose this page's text over the one saved elsewhere: save it on that version.
  document.getElementById("draft-keep-mine").addEventListener("click", () => {
    page.version = page.conflict.version;
    page.seq = Math.max(page.seq, page.conflict.seq);
    halted = false;
    notice.hidden = true;
    saveSoon(0);
  });
  document.getElementById("draft-load-saved").addEventListener("click", () => {
    leaving = true;
    window.location.assign(form.dataset.draftUrl);
  });

  if (left && newerThanStored(left)) {
    fill(left.fields);
    show(status.dataset.restoredText, false);
    saveSoon(0);
  }

  form.addEventListener("input", () => saveSoon(800));
  form.addEventListener("change", () => saveSoon(0));
  setInterval(save, 5000);
  form.addEventListener("submit", () => { submitting = true; });
  document.getElementById("close-form").addEventListener("submit", () => { submitting = true; });
  // Leaving or reloading: send what is unsent, numbered so that it cannot replace anything
  // saved after it, and keep it in this tab until the next page has compared it with the server.
  window.addEventListener("pagehide", () => {
    const unsent = (dirty || inFlight) && !submitting && !leaving;
    if (unsent && !halted && navigator.sendBeacon) navigator.sendBeacon(form.dataset.autosaveUrl, formBody());
    try {
      sessionStorage.setItem(memoryKey, JSON.stringify({
        writer: page.writer, seq: page.seq, version: page.version,
        fields: unsent ? typedPairs() : null }));
    } catch (error) {
      // Storage full or refused: the beacon is the only copy.
    }
  });

  // One call open in two tabs: each tells the other, so that the operator types in one only.
  if (window.BroadcastChannel) {
    const channel = new BroadcastChannel("casework-call-drafts");
    channel.addEventListener("message", (event) => {
      const message = event.data || {};
      if (message.draft !== draftId || message.writer === page.writer || halted) return;
      if (message.kind === "closed") {
        notice.hidden = true;
        return;
      }
      if (message.kind === "opened") channel.postMessage({ kind: "here", draft: draftId, writer: page.writer });
      tell(status.dataset.otherTabText, false);
    });
    channel.postMessage({ kind: "opened", draft: draftId, writer: page.writer });
    window.addEventListener("pagehide", () => {
      channel.postMessage({ kind: "closed", draft: draftId, writer: page.writer });
    });
  }

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
      .then((response) => {
        // A sign-in page after a redirect is no answer either.
        if (!response.ok || response.redirected) throw new Error(String(response.status));
        return response.text();
      })
      .then((html) => { panel.innerHTML = html; })
      .catch(() => {
        // An empty panel would read as "no earlier calls": say the lookup failed instead.
        lastLookup = "";
        const notice = document.createElement("p");
        notice.className = "flash flash-error";
        notice.setAttribute("role", "alert");
        notice.textContent = panel.dataset.failedText;
        panel.replaceChildren(notice);
      });
  }

  form.addEventListener("input", (event) => {
    if (!event.target.matches("[data-lookup]")) return;
    clearTimeout(lookupTimer);
    lookupTimer = setTimeout(lookUp, 500);
  });
}());
