// A small month picker beside every date typed as dd/mm/yyyy (inputs marked data-datepicker).
// Month and day names follow the page's language (Monday first); typing stays the main way.
// Keys in the month: arrows move a day or a week, Page Up/Down a month, Home/End the week's
// ends, Enter picks, Esc closes. No inline script (CSP).
"use strict";

(function () {
  const DMY = /^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$/;
  const YMD = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
  let counter = 0;

  function lang() {
    return document.documentElement.lang || "vi";
  }

  // The same reading as the server's: day first; null for blank, unreadable or impossible.
  function parseDay(text) {
    const value = (text || "").trim();
    let found = DMY.exec(value);
    let day, month, year;
    if (found) [day, month, year] = found.slice(1).map(Number);
    else if ((found = YMD.exec(value))) [year, month, day] = found.slice(1).map(Number);
    else return null;
    const date = new Date(year, month - 1, day);
    return date.getFullYear() === year && date.getMonth() === month - 1 && date.getDate() === day ? date : null;
  }

  function showDay(date) {
    const two = (n) => String(n).padStart(2, "0");
    return `${two(date.getDate())}/${two(date.getMonth() + 1)}/${date.getFullYear()}`;
  }

  function sameDay(a, b) {
    return a && b && a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
  }

  function addDays(date, days) {
    return new Date(date.getFullYear(), date.getMonth(), date.getDate() + days);
  }

  function addMonths(date, months) {
    const last = new Date(date.getFullYear(), date.getMonth() + months + 1, 0).getDate();
    return new Date(date.getFullYear(), date.getMonth() + months, Math.min(date.getDate(), last));
  }

  function weekdayNames() {
    const short = new Intl.DateTimeFormat(lang(), { weekday: "short" });
    const long = new Intl.DateTimeFormat(lang(), { weekday: "long" });
    // 5 January 2026 was a Monday.
    return Array.from({ length: 7 }, (_, i) => {
      const day = new Date(2026, 0, 5 + i);
      return { short: short.format(day), long: long.format(day) };
    });
  }

  function button(text, className, label) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = className;
    element.textContent = text;
    if (label) element.setAttribute("aria-label", label);
    return element;
  }

  // A calendar drawn in SVG: no icon font or emoji is needed on the device.
  function calendarIcon() {
    const NS = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 20 20");
    svg.setAttribute("width", "20");
    svg.setAttribute("height", "20");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const parts = [
      ["rect", { x: 2.5, y: 4, width: 15, height: 13.5, rx: 1.5 }],
      ["path", { d: "M2.5 8h15M6.5 2v4M13.5 2v4M6 11h2M9 11h2M12 11h2M6 14h2M9 14h2" }],
    ];
    for (const [tag, attributes] of parts) {
      const part = document.createElementNS(NS, tag);
      for (const [name, value] of Object.entries(attributes)) part.setAttribute(name, value);
      part.setAttribute("fill", "none");
      part.setAttribute("stroke", "currentColor");
      part.setAttribute("stroke-width", "1.5");
      svg.append(part);
    }
    return svg;
  }

  function attach(input) {
    const texts = input.dataset;
    const id = `date-picker-${++counter}`;
    const wrapper = document.createElement("div");
    wrapper.className = "date-entry";
    const hadFocus = document.activeElement === input;
    input.before(wrapper);
    wrapper.append(input);
    if (hadFocus) input.focus();
    const toggle = button("", "button secondary date-button", texts.pickerOpen || "Choose a date");
    toggle.append(calendarIcon());
    toggle.setAttribute("aria-haspopup", "dialog");
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-controls", id);
    wrapper.append(toggle);

    const dialog = document.createElement("div");
    dialog.className = "date-picker";
    dialog.id = id;
    dialog.hidden = true;
    dialog.setAttribute("role", "dialog");
    dialog.setAttribute("aria-modal", "false");
    const heading = document.createElement("h2");
    heading.id = `${id}-title`;
    heading.setAttribute("aria-live", "polite");
    dialog.setAttribute("aria-labelledby", heading.id);
    const previous = button("‹", "button small secondary", texts.pickerPrevious || "Previous month");
    const next = button("›", "button small secondary", texts.pickerNext || "Next month");
    const head = document.createElement("div");
    head.className = "date-picker-head";
    head.append(previous, heading, next);
    const table = document.createElement("table");
    table.setAttribute("role", "grid");
    table.setAttribute("aria-labelledby", heading.id);
    const close = button(texts.pickerClose || "Close", "button small secondary date-picker-close");
    dialog.append(head, table, close);
    wrapper.append(dialog);

    let shown = null; // the day that has the focus in the month shown
    const monthTitle = new Intl.DateTimeFormat(lang(), { month: "long", year: "numeric" });
    const fullDay = new Intl.DateTimeFormat(lang(), { weekday: "long", day: "numeric", month: "long", year: "numeric" });

    function render(focus) {
      const chosen = parseDay(input.value);
      const today = new Date();
      heading.textContent = monthTitle.format(shown);
      table.textContent = "";
      const headRow = table.createTHead().insertRow();
      for (const name of weekdayNames()) {
        const th = document.createElement("th");
        th.scope = "col";
        th.abbr = name.long;
        th.textContent = name.short;
        headRow.append(th);
      }
      const body = table.createTBody();
      const first = new Date(shown.getFullYear(), shown.getMonth(), 1);
      let day = addDays(first, -((first.getDay() + 6) % 7)); // back to Monday
      do {
        const row = body.insertRow();
        for (let i = 0; i < 7; i++, day = addDays(day, 1)) {
          const cell = row.insertCell();
          const pick = button(String(day.getDate()), "");
          pick.dataset.day = showDay(day);
          pick.setAttribute("aria-label", fullDay.format(day));
          pick.tabIndex = sameDay(day, shown) ? 0 : -1;
          if (day.getMonth() !== shown.getMonth()) pick.classList.add("other-month");
          if (sameDay(day, today)) pick.classList.add("today");
          if (sameDay(day, chosen)) pick.setAttribute("aria-selected", "true");
          cell.append(pick);
        }
      } while (day.getMonth() === shown.getMonth());
      if (focus) {
        const current = table.querySelector("button[tabindex='0']");
        if (current) current.focus();
      }
    }

    function open() {
      shown = parseDay(input.value) || new Date();
      dialog.hidden = false;
      toggle.setAttribute("aria-expanded", "true");
      render(true);
    }

    function shut(returnFocus) {
      dialog.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
      if (returnFocus) toggle.focus();
    }

    function choose(text) {
      input.value = text;
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
      shut(false);
      input.focus();
    }

    toggle.addEventListener("click", () => (dialog.hidden ? open() : shut(true)));
    previous.addEventListener("click", () => { shown = addMonths(shown, -1); render(false); });
    next.addEventListener("click", () => { shown = addMonths(shown, 1); render(false); });
    close.addEventListener("click", () => shut(true));
    table.addEventListener("click", (event) => {
      const pick = event.target.closest("button[data-day]");
      if (pick) choose(pick.dataset.day);
    });
    dialog.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        shut(true);
        return;
      }
      if (!event.target.closest("td")) return;
      const moves = {
        ArrowLeft: () => addDays(shown, -1), ArrowRight: () => addDays(shown, 1),
        ArrowUp: () => addDays(shown, -7), ArrowDown: () => addDays(shown, 7),
        PageUp: () => addMonths(shown, -1), PageDown: () => addMonths(shown, 1),
        Home: () => addDays(shown, -((shown.getDay() + 6) % 7)),
        End: () => addDays(shown, 6 - ((shown.getDay() + 6) % 7)),
      };
      if (moves[event.key]) {
        event.preventDefault();
        shown = moves[event.key]();
        render(true);
      }
    });
    document.addEventListener("click", (event) => {
      if (!dialog.hidden && !wrapper.contains(event.target)) shut(false);
    });
  }

  function start() {
    document.querySelectorAll("input[data-datepicker]").forEach(attach);
  }

  window.caseworkDates = { parseDay, showDay };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
