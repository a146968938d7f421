/* mkdocs_scholar: citation previews and the BibTeX block.
   A citation link carries its formatted entry in data-scholar-preview (written by the plugin, escaped), or
   an empty data-scholar-preview when the page lists the entry: then the entry it links to is shown.
   Hovering or focusing the link shows it in one popover laid over the page (no layout shift); Escape,
   leaving or blurring hides it. On touch screens the first tap shows the preview and a second tap on the
   same citation follows the link. Listeners sit on the document, so Material's instant navigation, which
   swaps the page content, needs nothing re-bound. */
(function () {
  "use strict";
  var SELECTOR = "a[data-scholar-preview]";
  var popover = null;
  var current = null;
  var hideTimer = null;
  var lastPointer = "mouse";

  function ensurePopover() {
    if (popover && document.body.contains(popover)) return popover;
    popover = document.createElement("div");
    popover.id = "scholar-preview";
    popover.className = "scholar-preview md-typeset";
    popover.setAttribute("role", "tooltip");
    popover.hidden = true;
    popover.addEventListener("mouseenter", cancelHide);
    popover.addEventListener("mouseleave", scheduleHide);
    document.body.appendChild(popover);
    return popover;
  }

  function place(link, box) {
    var rect = link.getBoundingClientRect();
    var gap = 6;
    var width = box.offsetWidth;
    var height = box.offsetHeight;
    var left = Math.min(Math.max(8, rect.left), Math.max(8, document.documentElement.clientWidth - width - 8));
    var below = rect.bottom + gap + height <= window.innerHeight || rect.top < height + gap;
    var top = below ? rect.bottom + gap : rect.top - gap - height;
    box.style.left = left + window.scrollX + "px";
    box.style.top = top + window.scrollY + "px";
    box.classList.toggle("scholar-preview--above", !below);
  }

  /* The entry to show: the link's own copy, or (an empty attribute) the entry the link leads to on this
     page, looked for first in the link's own article (a blog index shows several posts' excerpts). */
  function previewContent(link) {
    var content = link.getAttribute("data-scholar-preview");
    if (content) return content;
    var id;
    try { id = decodeURIComponent((link.hash || "").slice(1)); } catch (error) { return ""; }
    if (!id) return "";
    var article = link.closest("article");
    var entry = article && window.CSS ? article.querySelector("#" + CSS.escape(id)) : null;
    /* Elsewhere on the page only when the link leads to this page (not an excerpt's link to its post). */
    if (!entry && link.pathname === window.location.pathname) entry = document.getElementById(id);
    return entry ? entry.innerHTML : "";
  }

  function show(link) {
    var content = previewContent(link);
    if (!content) return;
    cancelHide();
    var box = ensurePopover();
    if (current && current !== link) current.removeAttribute("aria-describedby");
    if (current !== link || box.hidden) {
      box.innerHTML = content;
      box.hidden = false;
      current = link;
      link.setAttribute("aria-describedby", box.id);
      if (box.querySelector(".scholar-math, .arithmatex") && window.mkdocsScholarTypeset) {
        window.mkdocsScholarTypeset(box).then(function () { if (current === link) place(link, box); });
      }
    }
    place(link, box);
  }

  function hide() {
    cancelHide();
    if (popover) popover.hidden = true;
    if (current) current.removeAttribute("aria-describedby");
    current = null;
  }

  function scheduleHide() {
    cancelHide();
    hideTimer = window.setTimeout(hide, 200);
  }

  function cancelHide() {
    if (hideTimer !== null) window.clearTimeout(hideTimer);
    hideTimer = null;
  }

  function citation(event) {
    return event.target instanceof Element ? event.target.closest(SELECTOR) : null;
  }

  document.addEventListener("pointerdown", function (event) {
    lastPointer = event.pointerType || "mouse";
    if (popover && !popover.hidden && !citation(event) && !popover.contains(event.target)) hide();
  }, true);
  document.addEventListener("pointerover", function (event) {
    lastPointer = event.pointerType || "mouse";
    var link = citation(event);
    if (link && lastPointer !== "touch") show(link);
  });
  document.addEventListener("pointerout", function (event) {
    var link = citation(event);
    if (link && event.pointerType !== "touch" && !link.contains(event.relatedTarget)) scheduleHide();
  });
  /* Keyboard focus only: a tap also focuses the link, and the tap itself decides (see "click"). */
  document.addEventListener("focusin", function (event) {
    var link = citation(event);
    if (link && (lastPointer !== "touch" || link.matches(":focus-visible"))) show(link);
  });
  document.addEventListener("focusout", function (event) {
    if (citation(event)) scheduleHide();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && current) hide();
  });
  /* Capturing, so a first tap is stopped before Material's instant navigation (on <body>) follows it. */
  document.addEventListener("click", function (event) {
    var link = citation(event);
    if (!link) return;
    /* event.detail is 0 for a click made with the keyboard (Enter): that one always follows the link */
    if (lastPointer === "touch" && event.detail !== 0 && (current !== link || popover.hidden)) {
      event.preventDefault(); /* first tap: preview; a second tap follows the link */
      event.stopPropagation();
      show(link);
      return;
    }
    hide();
  }, true);
  window.addEventListener("resize", function () { if (current) place(current, popover); });

  /* BibTeX: each entry's <details> links to the entry in the page's .bib file ("#N": the Nth entry there).
     Opened, it shows that entry, fetched once per file, with a Copy button; without script (or where the
     file cannot be fetched, as from file://) the link stays, and opens or saves the file. A <details> that
     holds its BibTeX already (a page made without the file) only gets its Copy button shown. */
  var bibFiles = {};

  function bibEntry(link) {
    var url = link.href.split("#")[0];
    var number = parseInt(link.href.split("#")[1], 10);
    var key = link.getAttribute("data-scholar-key") || "";
    if (!bibFiles[url]) {
      bibFiles[url] = window.fetch(url).then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      });
      bibFiles[url].catch(function () { delete bibFiles[url]; }); /* tried again on the next opening */
    }
    return bibFiles[url].then(function (text) {
      var entries = text.replace(/\s+$/, "").split(/\n\n(?=@)/);
      function isKey(entry) { return entry.slice(entry.indexOf("{") + 1, entry.indexOf(",")) === key; }
      /* The Nth entry, if it is the key's (a file cached from another version of the page may differ). */
      var entry = entries[number - 1];
      if (entry && (!key || isKey(entry))) return entry;
      for (var i = 0; i < entries.length; i++) if (isKey(entries[i])) return entries[i];
      throw new Error("no entry " + key);
    });
  }

  function copyButton() {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "scholar-copy";
    button.textContent = "Copy";
    button.hidden = !navigator.clipboard;
    return button;
  }

  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!(details instanceof Element) || !details.matches("details.scholar-bibtex") || !details.open) return;
    var link = details.querySelector("a.scholar-bibtex-file");
    if (!link || details.querySelector("pre") || !window.fetch) return;
    bibEntry(link).then(function (entry) {
      if (details.querySelector("pre")) return;
      var pre = document.createElement("pre");
      var code = document.createElement("code");
      code.className = "language-bibtex";
      code.textContent = entry;
      pre.appendChild(code);
      details.insertBefore(pre, link);
      details.insertBefore(copyButton(), link);
    }, function () { /* the link stays */ });
  }, true); /* "toggle" does not bubble */

  function enableCopy() {
    var buttons = document.querySelectorAll("details.scholar-bibtex .scholar-copy");
    for (var i = 0; i < buttons.length; i++) buttons[i].hidden = !navigator.clipboard;
  }
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest(".scholar-copy") : null;
    if (!button) return;
    var code = button.parentNode.querySelector("code");
    if (!code || !navigator.clipboard) return;
    navigator.clipboard.writeText(code.textContent).then(function () {
      button.textContent = "Copied";
      window.setTimeout(function () { button.textContent = "Copy"; }, 1500);
    });
  });

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { hide(); enableCopy(); }); /* Material, instant navigation too */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enableCopy);
  } else {
    enableCopy();
  }
})();
