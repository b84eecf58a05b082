// Start YASGUI on the query page: our endpoint only, the example queries one click away.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("query-config").textContent);
  // YASGUI builds GET URLs with new URL(), which needs an absolute address.
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var examples = config.examples;
  // Read before YASGUI starts: it clears the fragment while looking for a share link.
  var wanted = decodeURIComponent(window.location.hash.replace(/^#/, ""));

  if (examples.length) {
    Yasgui.Yasqe.defaults.value = examples[0].text;
  }
  // The endpoint predefines the project's prefixes; the results table uses them too.
  Yasgui.Yasr.defaults.prefixes = config.prefixes;
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    // Nothing from other origins: no endpoint suggestions, no share-link shortener.
    persistenceId: "openness-query"
  });

  function showTruncation(response) {
    var notice = document.getElementById("truncation");
    var cap = response && response.headers && typeof response.headers.get === "function" ?
      response.headers.get("X-SPARQL-MaxRows") : null;
    notice.hidden = !cap;
    notice.textContent = cap ?
      "Only the first " + cap + " rows are shown: the result was cut at the server's row cap." : "";
  }
  // Each tab has its own editor; listen to it before its first query.
  var listening = new WeakSet();
  yasgui.on("queryBefore", function (instance, tab) {
    var yasqe = tab.getYasqe();
    if (yasqe && !listening.has(yasqe)) {
      listening.add(yasqe);
      yasqe.on("queryResponse", function (editor, response) { showTruncation(response); });
    }
  });

  function load(example, run) {
    var tab = yasgui.getTab();
    tab.setQuery(example.text);
    if (tab.setName) { tab.setName(example.title); }
    if (run) { tab.query(); }
  }
  document.querySelectorAll("button.example").forEach(function (button) {
    button.addEventListener("click", function () {
      load(examples[Number(button.dataset.example)], false);
    });
  });
  // /query#name opens that example.
  examples.forEach(function (example) {
    if (example.name === wanted) { load(example, false); }
  });
  window.opennessYasgui = yasgui;
})();
