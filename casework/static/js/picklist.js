// Searchable pick lists over an existing <select data-picklist>: type part of a name, with or
// without Vietnamese accents ("phu hoa" finds "Phường Phú Hòa"), and pick with the arrow keys
// and Enter (the ARIA combobox pattern). The select stays in the form and holds the value; without
// this file it is the plain list. No inline script (CSP).
"use strict";

(function () {
  let counter = 0;

  // Lower case without accents; đ is its own letter, not an accented d.
  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "d").toLowerCase().replace(/\s+/g, " ").trim();
  }

  function matches(option, words) {
    return words.every((word) => option.key.includes(word));
  }

  function attach(select) {
    const id = `picklist-${++counter}`;
    const label = select.id ? document.querySelector(`label[for="${CSS.escape(select.id)}"]`) : null;
    const options = Array.from(select.options).map((option) => ({
      value: option.value,
      text: option.text,
      extra: option.dataset.extra || "",
      key: fold(`${option.text} ${option.dataset.extra || ""}`),
    }));

    const wrapper = document.createElement("div");
    wrapper.className = "combo";
    const input = document.createElement("input");
    input.type = "text";
    input.id = `${id}-input`;
    input.autocomplete = "off";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", `${id}-list`);
    if (select.dataset.picklistPlaceholder) input.placeholder = select.dataset.picklistPlaceholder;
    for (const name of ["aria-invalid", "aria-describedby"]) {
      if (select.hasAttribute(name)) input.setAttribute(name, select.getAttribute(name));
    }
    if (label) {
      if (!label.id) label.id = `${id}-label`;
      input.setAttribute("aria-labelledby", label.id);
      label.htmlFor = input.id;
    }
    const list = document.createElement("ul");
    list.id = `${id}-list`;
    list.className = "combo-list";
    list.setAttribute("role", "listbox");
    if (label) list.setAttribute("aria-labelledby", label.id);
    list.hidden = true;
    wrapper.append(input, list);
    select.after(wrapper);
    // Hidden from people and the tab order, but still in the form (and reachable by scripts).
    select.classList.add("visually-hidden");
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;

    let shown = [];
    let active = -1;

    const chosenText = () => {
      const option = select.options[select.selectedIndex];
      return option && option.value !== "" ? option.text : "";
    };

    function render() {
      list.textContent = "";
      shown.forEach((option, index) => {
        const item = document.createElement("li");
        item.id = `${id}-option-${index}`;
        item.setAttribute("role", "option");
        item.dataset.value = option.value;
        item.textContent = option.text;
        if (option.extra) {
          const extra = document.createElement("span");
          extra.className = "combo-extra";
          extra.textContent = option.extra;
          item.append(extra);
        }
        item.setAttribute("aria-selected", index === active ? "true" : "false");
        list.append(item);
      });
      if (!shown.length) {
        const empty = document.createElement("li");
        empty.className = "combo-empty";
        empty.setAttribute("role", "option");
        empty.setAttribute("aria-disabled", "true");
        empty.textContent = select.dataset.picklistEmpty || "—";
        list.append(empty);
      }
      if (active >= 0) {
        input.setAttribute("aria-activedescendant", `${id}-option-${active}`);
        const item = document.getElementById(`${id}-option-${active}`);
        if (item && item.scrollIntoView) item.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function openList() {
      const words = fold(input.value === chosenText() ? "" : input.value).split(" ").filter(Boolean);
      shown = options.filter((option) => matches(option, words));
      active = shown.findIndex((option) => option.value === select.value && option.value !== "");
      if (active < 0 && words.length && shown.length) active = 0;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      render();
    }

    function closeList() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function choose(option) {
      select.value = option.value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      input.value = chosenText();
      closeList();
    }

    input.value = chosenText();
    input.addEventListener("input", openList);
    input.addEventListener("focus", () => input.select());
    input.addEventListener("click", () => (list.hidden ? openList() : closeList()));
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden) { openList(); return; }
        if (!shown.length) return;
        const step = event.key === "ArrowDown" ? 1 : -1;
        active = (active + step + shown.length) % shown.length;
        render();
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0 && shown[active]) {
          event.preventDefault();
          choose(shown[active]);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          event.stopPropagation();
          closeList();
          input.value = chosenText();
        }
      }
    });
    // A blank box clears the choice; other text that picks nothing goes back to the choice.
    input.addEventListener("blur", () => {
      setTimeout(() => {
        if (wrapper.contains(document.activeElement)) return;
        if (input.value.trim() === "" && select.value !== "") {
          const blank = options.find((option) => option.value === "");
          if (blank) choose(blank);
        }
        input.value = chosenText();
        closeList();
      }, 150);
    });
    list.addEventListener("mousedown", (event) => event.preventDefault());
    list.addEventListener("click", (event) => {
      const item = event.target.closest("li[role=option][data-value]");
      if (item) choose(options.find((option) => option.value === item.dataset.value));
    });
    // A value set by another script (a restored draft, a test) shows in the box.
    select.addEventListener("change", () => { input.value = chosenText(); });
  }

  function start() {
    document.querySelectorAll("select[data-picklist]:not([multiple])").forEach(attach);
  }

  window.caseworkPicklist = { fold };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
