// Article workbench: claim selection, selection-to-claim offsets, speaker autocomplete, shortcuts.
// Browsers count UTF-16 code units; Django and the text pipeline count code points. Every
// offset sent to the server is converted with codePoints().
(function () {
  "use strict";

  function codePoints(text) { return Array.from(text).length; }

  function offsetIn(body, node, unitOffset) {
    // The code-point offset of (node, unitOffset) inside the article body.
    var seg = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    if (seg && seg.closest) { seg = seg.closest(".seg"); }
    if (!seg || !body.contains(seg)) { return null; }
    var base = parseInt(seg.dataset.offset, 10);
    if (node.nodeType !== Node.TEXT_NODE) {
      return unitOffset === 0 ? base : base + codePoints(seg.textContent);
    }
    return base + codePoints(node.data.slice(0, unitOffset));
  }

  function claimItems() { return Array.prototype.slice.call(document.querySelectorAll(".claim-item")); }

  function select(item) {
    if (!item) { return; }
    claimItems().forEach(function (el) { el.classList.remove("current"); });
    item.classList.add("current");
    var link = item.querySelector("a");
    link.focus();
    item.scrollIntoView({ block: "nearest" });
    document.querySelectorAll(".seg.selected").forEach(function (el) { el.classList.remove("selected"); });
    document.querySelectorAll('.seg[data-claim="' + item.dataset.claim + '"]').forEach(function (el) { el.classList.add("selected"); });
    if (window.htmx) {
      window.htmx.ajax("GET", link.dataset.panel, { target: "#panel", swap: "innerHTML" });
    } else {
      window.location = link.href;
    }
  }

  function move(step) {
    var items = claimItems();
    if (!items.length) { return; }
    var current = items.indexOf(document.querySelector(".claim-item.current"));
    var next = current === -1 ? (step > 0 ? 0 : items.length - 1) : Math.min(items.length - 1, Math.max(0, current + step));
    select(items[next]);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var body = document.getElementById("article-body");
    if (body) {
      body.addEventListener("mouseup", function () {
        var sel = window.getSelection();
        if (!sel || sel.isCollapsed || sel.rangeCount === 0) { return; }
        var range = sel.getRangeAt(0);
        var start = offsetIn(body, range.startContainer, range.startOffset);
        var end = offsetIn(body, range.endContainer, range.endOffset);
        if (start === null || end === null || end <= start) { return; }
        document.getElementById("new-start").value = start;
        document.getElementById("new-end").value = end;
        var preview = document.getElementById("selection-preview");
        preview.textContent = "Selected: “" + sel.toString().slice(0, 120) + "”";
      });
      body.addEventListener("click", function (event) {
        var seg = event.target.closest(".seg[data-claim]");
        var sel = window.getSelection();
        if (!seg || (sel && !sel.isCollapsed)) { return; }
        select(document.getElementById("claim-" + seg.dataset.claim));
      });
    }
    document.querySelectorAll(".claim-item a").forEach(function (link) {
      // one request per selection: the link's href is the no-JavaScript fallback
      link.addEventListener("click", function (event) {
        if (!window.htmx) { return; }
        event.preventDefault();
        select(link.closest(".claim-item"));
      });
    });
  });

  // Speaker autocomplete: fill the datalist from the server as the reviewer types.
  var timer = null;
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (input.name !== "speaker_name") { return; }
    clearTimeout(timer);
    timer = setTimeout(function () {
      var list = document.getElementById("speaker-names");
      if (!list || input.value.trim().length < 2) { return; }
      fetch("/speakers/search?q=" + encodeURIComponent(input.value), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) {
          list.replaceChildren.apply(list, data.results.map(function (item) {
            var option = document.createElement("option");
            option.value = item.value;
            option.label = item.label;
            return option;
          }));
        });
    }, 150);
  });

  document.addEventListener("keydown", function (event) {
    var tag = event.target.tagName;
    if (event.ctrlKey || event.metaKey || event.altKey || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") { return; }
    var panel = document.querySelector("#panel .claim-panel");
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "c":
        if (panel) { var confirm = panel.querySelector('[data-shortcut="c"]'); if (confirm) { confirm.click(); } }
        break;
      case "s":
        if (panel) { var details = panel.querySelector(".add-source"); details.open = true; details.querySelector("input[name=url]").focus(); }
        break;
      case "v":
        if (panel) { panel.querySelector(".verdict-form select").focus(); }
        break;
      case "?":
        var dialog = document.getElementById("shortcuts"); if (dialog) { dialog.showModal(); }
        break;
      default: return;
    }
    event.preventDefault();
  });
})();
