// Article workbench: claim selection, selection-to-claim offsets, speaker autocomplete, shortcuts.
//
// Browsers count UTF-16 code units; Django and the text pipeline count code points (an emoji is
// two units but one code point). Every offset sent to the server is counted with codePoints().
// Every piece of the article text is a <span class="seg" data-offset="N"> whose N is its
// code-point offset in the stored body, so an offset is that N plus the code points before the
// point inside the piece. Speaker and verdict labels are CSS pseudo-elements, not text, so they
// never count.
(function () {
  "use strict";

  // CSS hides the new-claim form until text is selected, but only when this script runs.
  document.documentElement.classList.add("js");

  // In DEBUG, django-htmx's debug script replaces the whole document with any 400, 403 or
  // 404 answer, to show Django's error page. Ours are designed answers (form errors shown
  // next to the field, with what was typed): keep them from it, in every mode. A capturing
  // listener on window runs before its listener on document. 500s still reach it.
  window.addEventListener("htmx:beforeOnLoad", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (xhr && xhr.status < 500) { event.stopPropagation(); }
  }, true);

  function codePoints(text) { return Array.from(text).length; }

  function bodyLength(body) { return parseInt(body.dataset.length, 10); }

  // The code-point offset in the article of a DOM boundary point (node, offset); points
  // before or after the article text are clamped to its start or end.
  function boundaryOffset(body, node, offset) {
    var whole = document.createRange();
    whole.selectNodeContents(body);
    var where = whole.comparePoint(node, offset);
    if (where < 0) { return 0; }
    if (where > 0) { return bodyLength(body); }
    if (node === body) {
      var child = body.childNodes[offset];
      return child && child.dataset ? parseInt(child.dataset.offset, 10) : bodyLength(body);
    }
    var element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    var seg = element.closest(".seg");
    if (!seg) { return null; }
    var before = document.createRange();
    before.setStart(seg, 0);
    before.setEnd(node, offset);
    return parseInt(seg.dataset.offset, 10) + codePoints(before.toString());
  }

  function selectionOffsets(body) {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0) { return null; }
    var range = sel.getRangeAt(0);
    if (!range.intersectsNode(body)) { return null; }
    var start = boundaryOffset(body, range.startContainer, range.startOffset);
    var end = boundaryOffset(body, range.endContainer, range.endOffset);
    if (start === null || end === null) { return null; }
    return { start: start, end: end, collapsed: sel.isCollapsed, text: sel.toString() };
  }

  function claimItems() { return Array.prototype.slice.call(document.querySelectorAll(".claim-item")); }

  function currentPanel() { return document.querySelector("#panel .claim-panel"); }

  function markSelected(claimId) {
    document.querySelectorAll(".seg.selected").forEach(function (el) { el.classList.remove("selected"); });
    document.querySelectorAll('.seg[data-claim="' + claimId + '"]').forEach(function (el) { el.classList.add("selected"); });
  }

  function isPhone() { return window.matchMedia("(max-width: 800px)").matches; }

  // Bring the claim's first piece of text into view unless it already is (the reader keeps
  // their place), inside the article's scroll area on a desktop, above the sheet on a phone.
  function reveal(claimId, focus) {
    var seg = document.querySelector('#article-body .seg[data-claim="' + claimId + '"]');
    if (!seg) { return; }
    var rect = seg.getBoundingClientRect();
    var area = document.getElementById("article-scroll");
    var box = isPhone() || !area ? { top: 0, bottom: window.innerHeight * 0.42 } : area.getBoundingClientRect();
    if (rect.top < box.top || rect.top > box.bottom - 24) {
      seg.scrollIntoView({ block: isPhone() ? "start" : "center" });
    }
    if (focus) {
      seg.setAttribute("tabindex", "-1");
      seg.focus({ preventScroll: true });
    }
  }

  function openSheet() {
    var panel = document.getElementById("panel");
    if (panel) { panel.classList.remove("empty", "closed"); }
  }

  function select(item, focus) {
    if (!item) { return; }
    claimItems().forEach(function (el) {
      el.classList.remove("current");
      el.querySelector("a").removeAttribute("aria-current");
    });
    item.classList.add("current");
    var link = item.querySelector("a");
    link.setAttribute("aria-current", "true");
    item.scrollIntoView({ block: "nearest" });
    markSelected(item.dataset.claim);
    reveal(item.dataset.claim, focus);
    openSheet();
    // keep the selection in the URL, so a reload or a shared link opens the same claim
    var url = new URL(window.location.href);
    url.searchParams.set("claim", item.dataset.claim);
    url.hash = "";
    window.history.replaceState(null, "", url);
    if (window.htmx) {
      window.htmx.ajax("GET", link.dataset.panel, { target: "#panel-content", swap: "innerHTML" });
    } else {
      window.location = link.href;
    }
  }

  function move(step) {
    var items = claimItems();
    if (!items.length) { return; }
    var current = items.indexOf(document.querySelector(".claim-item.current"));
    var next = current === -1 ? (step > 0 ? 0 : items.length - 1) : Math.min(items.length - 1, Math.max(0, current + step));
    select(items[next], true);
  }

  function createForm() { return document.getElementById("create-claim"); }

  function onSelectionChange() {
    var body = document.getElementById("article-body");
    var start = document.getElementById("new-start");
    if (!body || !start) { return; }
    var picked = selectionOffsets(body);
    if (!picked || picked.collapsed || picked.end <= picked.start) { return; }
    createForm().classList.add("active");
    start.value = picked.start;
    document.getElementById("new-end").value = picked.end;
    var text = picked.text.trim();
    document.getElementById("selection-preview").textContent =
      "Selected (characters " + picked.start + "–" + picked.end + "): “" +
      (codePoints(text) > 120 ? Array.from(text).slice(0, 120).join("") + "…" : text) + "”";
  }

  // On load, show the open claim in the list and in the text.
  document.addEventListener("DOMContentLoaded", function () {
    var current = document.querySelector(".claim-item.current");
    if (current) {
      current.scrollIntoView({ block: "nearest" });
      reveal(current.dataset.claim, false);
    }
  });

  // The new-claim form goes away when the reviewer cancels, or after the claim is made.
  function closeCreateForm() {
    var form = createForm();
    if (!form) { return; }
    form.classList.remove("active");
    form.reset();
    var messages = document.getElementById("create-claim-messages");
    if (messages) { messages.replaceChildren(); }
    document.getElementById("selection-preview").textContent = "Select text in the article, or give its character offsets.";
  }

  document.addEventListener("selectionchange", onSelectionChange);
  // some test drivers and older browsers only tell us at mouseup
  document.addEventListener("mouseup", onSelectionChange);

  // Clicks: a highlighted claim opens its panel; a click inside the open claim sets the split point.
  document.addEventListener("click", function (event) {
    if (event.target.closest(".cancel-selection")) {
      window.getSelection().removeAllRanges();
      closeCreateForm();
      return;
    }
    if (event.target.closest(".sheet-close")) {
      document.getElementById("panel").classList.add("closed");
      var open = document.querySelector(".seg.selected");
      if (open) { open.setAttribute("tabindex", "-1"); open.focus({ preventScroll: true }); }
      return;
    }
    var link = event.target.closest(".claim-item a");
    if (link && window.htmx && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
      event.preventDefault();  // the href is the no-JavaScript fallback
      select(link.closest(".claim-item"), true);
      return;
    }
    var body = document.getElementById("article-body");
    var seg = event.target.closest(".seg[data-claim]");
    if (!body || !seg || !body.contains(seg)) { return; }
    var picked = selectionOffsets(body);
    if (picked && !picked.collapsed) { return; }  // the reviewer is selecting text
    var form = createForm();
    if (form && form.classList.contains("active") && !document.querySelector("#create-claim-messages .error")) {
      closeCreateForm();  // a click in the text drops the selection
    }
    var panel = currentPanel();
    var split = document.getElementById("split-at");
    if (panel && split && panel.dataset.claim === seg.dataset.claim && picked) {
      openSheet();  // a phone's closed sheet comes back
      var at = picked.start - parseInt(panel.dataset.start, 10);
      if (at > 0 && picked.start < parseInt(panel.dataset.end, 10)) {
        split.value = at;
        split.focus();
      }
      return;
    }
    select(document.getElementById("claim-" + seg.dataset.claim), false);
  });

  // Speaker autocomplete: fill the datalist from the server as the reviewer types.
  var timer = null;
  document.addEventListener("input", function (event) {
    var input = event.target;
    var url = input.dataset && input.dataset.autocomplete;
    if (!url) { return; }
    clearTimeout(timer);
    timer = setTimeout(function () {
      var list = document.getElementById(input.getAttribute("list"));
      if (!list || input.value.trim().length < 2) { return; }
      fetch(url + "?q=" + encodeURIComponent(input.value), { credentials: "same-origin" })
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

  function say(text) {
    var live = document.getElementById("live");
    if (live) { live.textContent = ""; window.setTimeout(function () { live.textContent = text; }, 50); }
  }

  // After htmx puts a panel in place: announce its messages, and after a form was sent put the
  // focus on the first field with an error, else on the panel's heading.
  var pending = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var config = event.detail.requestConfig;
    pending = config && /\/(claims|undo)/.test(config.path) ? config : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    var config = pending;
    var panel = currentPanel();
    pending = null;
    if (config && config.elt && config.elt.closest && config.elt.closest("#create-claim")) {
      var problem = document.getElementById("create-claim-messages");
      if (problem && problem.textContent.trim()) { say(problem.textContent.trim()); return; }
    }
    if (!config || !panel) { return; }
    var messages = panel.querySelector(".panel-messages");
    if (messages && messages.textContent.trim()) { say(messages.textContent.trim()); }
    var fromForm = config.verb === "post";
    if (fromForm) {
      var invalid = panel.querySelector(".invalid input, .invalid select, .invalid textarea, [aria-invalid=true]");
      (invalid || panel.querySelector("h2")).focus({ preventScroll: !!invalid });
      // after a split, merge, creation or undo the text and the list were redrawn
      var current = document.querySelector(".claim-item.current");
      if (current && current.dataset.claim === panel.dataset.claim) {
        current.scrollIntoView({ block: "nearest" });
        reveal(panel.dataset.claim, false);
      }
    }
  });

  // A new claim was made: the form's work is done.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = createForm();
    // (htmx counts the 400 of a refused selection as successful too: it swaps its message)
    if (form && event.detail.elt === form && event.detail.xhr && event.detail.xhr.status < 300) {
      closeCreateForm();
    }
  });

  // Answers htmx does not swap (403, 404, 5xx, no network): say so where the reviewer looks.
  function showError(text) {
    var box = document.getElementById("messages");
    if (!box) { return; }
    var list = document.createElement("ul");
    list.className = "messages";
    list.setAttribute("role", "alert");
    var item = document.createElement("li");
    item.className = "error";
    item.textContent = text;
    list.appendChild(item);
    box.replaceChildren(list);
    box.scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    showError(status === 403 ? "You are not allowed to do that (editors only)." :
      status === 404 ? "That claim no longer exists: reload the page." :
      "The server could not do that (error " + status + "). Nothing was changed; try again.");
  });
  document.addEventListener("htmx:sendError", function () {
    showError("The server could not be reached. Nothing was changed; check the connection and try again.");
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var tag = target.tagName;
    if (event.ctrlKey || event.metaKey || event.altKey || tag === "INPUT" || tag === "TEXTAREA" ||
        tag === "SELECT" || target.isContentEditable || document.querySelector("dialog[open]")) {
      return;
    }
    var panel = currentPanel();
    var control = null;
    switch (event.key) {
      case "j": if (!document.getElementById("claim-list")) { return; } move(1); break;
      case "k": if (!document.getElementById("claim-list")) { return; } move(-1); break;
      case "c":
        if (!panel) { return; }
        control = panel.querySelector('[data-shortcut="c"]');
        if (control) {
          control.click();  // a proposed speaker: confirm it
        } else {
          panel.querySelector("input[name=speaker_name]").focus();  // none or confirmed: type one
        }
        break;
      case "s":
        control = panel && panel.querySelector(".add-source");
        if (!control) { return; }
        control.open = true;
        control.querySelector("input[name=url]").focus();
        break;
      case "v":
        control = panel && (panel.querySelector(".verdict-form select") || panel.querySelector(".editor-actions button"));
        if (!control) { return; }
        control.focus();
        break;
      case "?":
        control = document.getElementById("shortcuts");
        if (!control) { return; }
        control.showModal();
        break;
      default: return;
    }
    event.preventDefault();
  });
})();
