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
  offlineCompleters(Yasgui.Yasqe, config.prefixes, config.terms);
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

  // Replace YASQE's completers with ones that know only this project. Its own "prefixes"
  // completer writes a PREFIX line from a public list as soon as a prefixed name is typed
  // (og: would become opengraphprotocol.org, schema: http://schema.org/), which the
  // endpoint's predeclared prefixes then lose to; its "property" and "class" completers
  // send what is typed to a public vocabulary service on every keystroke. Registering
  // under the same names replaces them wherever YASQE asks for them.
  function offlineCompleters(Yasqe, prefixes, terms) {
    var declarations = Object.keys(prefixes).sort().map(function (name) {
      return name + ": <" + prefixes[name] + ">";
    });
    var names = Object.keys(prefixes).sort().map(function (name) { return name + ":"; });
    function previous(yasqe, token) {
      var cursor = yasqe.getDoc().getCursor();
      return yasqe.getPreviousNonWsToken(cursor.line, token);
    }
    function completeToken(yasqe) {
      var token = yasqe.getCompleteToken();
      return token && token.string ? token.string : "";
    }
    Yasqe.registerAutocompleter({
      name: "prefixes",
      bulk: true,
      autoShow: true,
      // A name of its own: without one YASQE would keep the list under the editor's key.
      persistenceId: "openness-prefixes",
      get: declarations,
      // After PREFIX only: a prefixed name in a pattern needs no declaration (predeclared).
      isValidCompletionPosition: function (yasqe) {
        var token = yasqe.getCompleteToken();
        var before = previous(yasqe, token);
        return Boolean(before && before.string && before.string.toUpperCase() === "PREFIX");
      },
      preProcessToken: function (yasqe, token) { return token; }
    });
    function termCompleter(name, list, valid) {
      return {
        name: name,
        bulk: true,
        autoShow: true,
        persistenceId: "openness-" + name,
        get: list.concat(names),
        isValidCompletionPosition: function (yasqe) {
          var text = completeToken(yasqe);
          if (!text || text[0] === "?" || text[0] === "$" || text[0] === "<") { return false; }
          return valid(yasqe, yasqe.getCompleteToken());
        },
        preProcessToken: function (yasqe, token) { return token; },
        postProcessSuggestion: function (yasqe, token, suggestion) { return suggestion; }
      };
    }
    Yasqe.registerAutocompleter(termCompleter("property", terms.properties, function (yasqe, token) {
      return predicatePosition(token);
    }));
    function afterType(yasqe, token) {
      var before = previous(yasqe, token);
      var last = before && before.state ? before.state.lastProperty : null;
      return last === "a" || last === "rdf:type" || last === "rdfs:domain" || last === "rdfs:range";
    }
    function predicatePosition(token) {
      return Boolean(token.state && token.state.possibleCurrent &&
        token.state.possibleCurrent.indexOf("a") >= 0);
    }
    Yasqe.registerAutocompleter(termCompleter("class", terms.classes, afterType));
    // Anywhere else a prefixed name is being written: levels, flags, kinds of source, and the
    // frameworks, criteria and grades of the project's frameworks (criterion:oti-2024\/...).
    Yasqe.registerAutocompleter(termCompleter("things", terms.things, function (yasqe, token) {
      return completeToken(yasqe).indexOf(":") > 0 && !predicatePosition(token) &&
        !afterType(yasqe, token);
    }));
  }
})();
