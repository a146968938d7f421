/* mkdocs_scholar: load MathJax only on pages that have math, and typeset again after Material's
   instant navigation. The MathJax URL comes from the plugin's `mathjax_url` option; a relative URL is
   taken from the site root (this script's own folder is assets/mkdocs_scholar/).
   Math is what arithmatex marked on pages that asked for it (.arithmatex) and math in bibliography
   entries' titles (.scholar-math), on any page. window.mkdocsScholarTypeset(element) typesets content
   added later (a citation preview). */
(function () {
  "use strict";
  var configured = __MATHJAX_URL__;
  /* Written inline in the page (Zensical's extension), the URL comes relative to the page. Instant
     navigation runs an inline script again on each page: the first run's subscription does the work. */
  if (window.__mkdocsScholarMath) return;
  window.__mkdocsScholarMath = true;
  var MATH = ".arithmatex, .scholar-math";
  var script = document.currentScript;
  var siteRoot = script && script.src ? new URL("../../", script.src).href : document.baseURI;
  var url = /^([a-z][a-z0-9+.-]*:|\/\/|\/)/i.test(configured) ? configured : new URL(configured, siteRoot).href;
  var requested = false;

  window.MathJax = window.MathJax || {
    tex: { inlineMath: [["\\(", "\\)"]], displayMath: [["\\[", "\\]"]], processEscapes: true, processEnvironments: true },
    options: { ignoreHtmlClass: ".*|", processHtmlClass: "arithmatex|scholar-math" },
    startup: { typeset: true }
  };

  function ready() {
    var mj = window.MathJax;
    return mj && typeof mj.typesetPromise === "function" ? mj : null;
  }

  function load() {
    if (requested) return;
    requested = true;
    var tag = document.createElement("script");
    tag.src = url;
    tag.async = true;
    tag.id = "mkdocs-scholar-mathjax";
    document.head.appendChild(tag);
  }

  function typeset() {
    if (!document.querySelector(MATH)) return;
    var mj = ready();
    if (!mj) return load(); /* MathJax typesets the whole page at its startup */
    if (mj.startup && mj.startup.output && mj.startup.output.clearCache) mj.startup.output.clearCache();
    if (mj.typesetClear) mj.typesetClear();
    if (mj.texReset) mj.texReset();
    mj.typesetPromise();
  }

  window.mkdocsScholarTypeset = function (element) {
    var mj = ready();
    if (mj) return mj.typesetPromise([element]);
    load();
    return new Promise(function (resolve) {
      var waited = 0;
      (function poll() {
        var mj = ready();
        if (mj && mj.startup && mj.startup.promise) return mj.startup.promise.then(function () {
          return mj.typesetPromise([element]);
        }).then(resolve, resolve);
        if ((waited += 100) > 20000) return resolve();
        window.setTimeout(poll, 100);
      })();
    });
  };

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(typeset); /* Material: every page, instant navigation included */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", typeset);
  } else {
    typeset();
  }
})();
