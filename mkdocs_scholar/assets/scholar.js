/* mkdocs_scholar: citation previews and the BibTeX copy button.
   A citation link carries its formatted entry in data-scholar-preview (written by the plugin, escaped).
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

  function show(link) {
    var content = link.getAttribute("data-scholar-preview");
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

  /* BibTeX: the <details> shows the entry without script; with script its Copy button appears. */
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
