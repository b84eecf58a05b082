// Draw a graph page's nodes and edges with cytoscape, at the positions the server laid out;
// clicking a node opens its page. Without JavaScript the server's SVG stays in place.
(function () {
  "use strict";
  var dataNode = document.getElementById("graph-data");
  var box = document.getElementById("cy");
  if (!dataNode || !box || typeof window.cytoscape !== "function") return;
  var data = JSON.parse(dataNode.textContent);
  var levelColours = { open: "#2e8b57", partial: "#d08b00", closed: "#c0392b", unknown: "#8a94a6" };
  var fills = { score: "#dbe7fb", assessment: "#eef1f6", claim: "#fff7e0", source: "#e8f5ec" };
  var elements = [];
  data.nodes.forEach(function (n) {
    elements.push({
      group: "nodes",
      data: { id: n.id, label: n.label, kind: n.kind, url: n.url || "", level: n.level || "" },
      position: { x: n.x, y: n.y },
      classes: n.kind + (n.root ? " root" : ""),
    });
  });
  data.edges.forEach(function (e, i) {
    var relation = e.relation.split(/[\/#]/).pop();
    elements.push({
      group: "edges",
      data: { id: "e" + i, source: e.source, target: e.target, relation: relation },
      classes: relation === "wasDerivedFrom" ? "derived" : "cites",
    });
  });
  function shorten(text) {
    return text.length > 64 ? text.slice(0, 62) + "…" : text;
  }
  elements.forEach(function (el) {
    if (el.group === "nodes") el.data.short = shorten(el.data.label);
  });
  box.hidden = false;
  // As tall as the drawing needs, within the window.
  box.style.height = Math.round(Math.min(window.innerHeight * 0.75, Math.max(320, data.height + 40))) + "px";
  document.getElementById("static-graph").hidden = true;
  var cy = window.cytoscape({
    container: box,
    elements: elements,
    layout: { name: "preset", fit: true, padding: 20 },
    wheelSensitivity: 0.3,
    style: [
      {
        selector: "node",
        style: {
          shape: "round-rectangle",
          width: 190,
          height: 42,
          label: "data(short)",
          "text-wrap": "wrap",
          "text-max-width": 176,
          "font-size": 10,
          "text-valign": "center",
          "text-halign": "center",
          "font-family": "system-ui, sans-serif",
          color: "#1d2330",
          "border-width": 1,
          "border-color": "#b5bccb",
          "background-color": function (n) { return fills[n.data("kind")] || "#ffffff"; },
        },
      },
      { selector: "node[level != '']", style: { "border-width": 3, "border-color": function (n) { return levelColours[n.data("level")] || "#8a94a6"; } } },
      { selector: "node.root, node.score", style: { "border-color": "#2456a4", "border-width": 2 } },
      { selector: "node:selected", style: { "overlay-opacity": 0.15 } },
      {
        selector: "edge",
        style: {
          width: 1.2,
          "curve-style": "bezier",
          "target-arrow-shape": "triangle",
          "line-color": "#9aa3b2",
          "target-arrow-color": "#7a8496",
        },
      },
      { selector: "edge.cites", style: { "line-style": "dashed" } },
    ],
  });
  cy.on("tap", "node", function (event) {
    var url = event.target.data("url");
    if (url) window.location.href = url;
  });
  window.opennessGraph = cy;
})();
