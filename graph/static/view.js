// The graph page's behaviour: filters, search over every name, the side panel, the figures table.
// Every text from the data is put on screen with textContent: names and sentences come from articles.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("graph-data").textContent);
  const byId = new Map(data.nodes.map((node) => [node.id, node]));
  const NO_COUNTRY = "\u0000none";
  const $ = (id) => document.getElementById(id);
  const element = (tag, text, className) => {
    const made = document.createElement(tag);
    if (text !== undefined && text !== null) { made.textContent = text; }
    if (className) { made.className = className; }
    return made;
  };

  const state = {kind: "", country: "", showIsolated: false, query: "", matches: new Set(), pinned: new Set(),
                 selected: null};

  function tooltip(node) {
    const where = node.country || "country unknown";
    return node.label + "\n" + node.kind + " · " + where + "\nclick for what the sources say";
  }

  function showsLabel(node) {
    return node.labelled || state.matches.has(node.id) || state.selected === node.id;
  }

  function visNode(node) {
    return {
      id: node.id, x: node.x, y: node.y, size: node.size, shape: node.shape,
      label: showsLabel(node) ? node.label : "",
      color: {background: node.color, border: node.dashed ? "#222222" : "#555555",
              highlight: {background: node.color, border: "#000000"}, hover: {background: node.color, border: "#000000"}},
      borderWidth: node.dashed ? 2 : 1, borderWidthSelected: 3,
      shapeProperties: {borderDashes: node.dashed ? [4, 3] : false},
      font: {size: 14, face: "sans-serif", strokeWidth: 3, strokeColor: "#ffffff"},
      title: tooltip(node), hidden: !visible(node),
    };
  }

  function visible(node) {
    if (state.pinned.has(node.id)) { return true; }
    if (state.kind && node.kind !== state.kind) { return false; }
    if (state.country === NO_COUNTRY && node.country !== null) { return false; }
    if (state.country && state.country !== NO_COUNTRY && node.country !== state.country) { return false; }
    return state.showIsolated || !node.isolated;
  }

  const nodes = new vis.DataSet(data.nodes.map(visNode));
  const edges = new vis.DataSet(data.edges.map((edge) => ({
    id: edge.id, from: edge.from, to: edge.to, label: edge.label, title: edge.title})));
  const options = {
    autoResize: true, physics: {enabled: false}, layout: {improvedLayout: false},
    interaction: {hover: true, tooltipDelay: 150, hideEdgesOnDrag: true, navigationButtons: false},
    edges: {arrows: {to: {enabled: true, scaleFactor: 0.5}}, smooth: false, width: 1,
            color: {color: "#9aa0a6", highlight: "#333333", hover: "#333333"},
            font: {size: 10, align: "middle", face: "sans-serif", color: "#555555"}},
  };
  const network = new vis.Network($("network"), {nodes: nodes, edges: edges}, options);

  function shownIds() { return data.nodes.filter(visible).map((node) => node.id); }

  function fit(ids) {
    const chosen = ids && ids.length ? ids : shownIds();
    if (!chosen.length) { return; }
    network.fit({nodes: chosen, animation: false});
    if (network.getScale() > 1.6) {  // one node alone would fill the screen
      network.moveTo({position: network.getViewPosition(), scale: 1.6, animation: false});
    }
  }

  // refit: "matches" (after a search), false (keep the view), else fit what is shown
  function apply(refit) {
    nodes.update(data.nodes.map((node) => ({id: node.id, hidden: !visible(node), label: showsLabel(node) ? node.label : ""})));
    const shown = shownIds();
    let text = shown.length + " of " + data.nodes.length + " shown";
    if (state.query) { text += ", " + state.matches.size + " match “" + state.query + "”"; }
    const setAside = state.showIsolated ? 0 : data.nodes.filter((node) => node.isolated && !visible(node) &&
      (!state.kind || node.kind === state.kind) &&
      (!state.country || (state.country === NO_COUNTRY ? node.country === null : node.country === state.country))).length;
    if (setAside) { text += " (" + setAside + " more tied to nothing)"; }
    if (!shown.length) { text += " — nothing matches: Reset shows everything"; }
    $("status").textContent = text;
    if (refit === "matches") {  // a search shows where its matches are; a filter, everything it leaves
      const wanted = [...state.matches].filter((id) => shown.includes(id));
      fit(wanted.length ? wanted : shown);
    } else if (refit !== false) {
      fit(shown);
    }
  }

  // --- filters, legend -------------------------------------------------------------------------
  data.kinds.forEach((kind) => $("kind-filter").appendChild(new Option(kind.kind + " (" + kind.count + ")", kind.kind)));
  data.countries.forEach((country) => $("country-filter").appendChild(
    new Option(country.country + " (" + country.count + ")", country.country)));
  $("country-filter").appendChild(new Option("no country known", NO_COUNTRY));
  $("isolated-label").textContent = "show the " + data.isolated + " tied to nothing";
  $("isolated-toggle").hidden = data.isolated === 0;

  const SVG = "http://www.w3.org/2000/svg";
  function glyph(shape, fill, dashed) {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 14 14");
    const points = {triangle: "7,1 13,13 1,13", triangleDown: "1,1 13,1 7,13", diamond: "7,1 13,7 7,13 1,7",
                    star: "7,1 8.8,5.2 13,5.4 9.7,8.3 10.8,12.8 7,10.4 3.2,12.8 4.3,8.3 1,5.4 5.2,5.2",
                    hexagon: "4,1 10,1 13,7 10,13 4,13 1,7"}[shape];
    let mark;
    if (points) { mark = document.createElementNS(SVG, "polygon"); mark.setAttribute("points", points); }
    else if (shape === "square") {
      mark = document.createElementNS(SVG, "rect");
      ["x", "y"].forEach((a) => mark.setAttribute(a, "2")); ["width", "height"].forEach((a) => mark.setAttribute(a, "10"));
    } else {
      mark = document.createElementNS(SVG, "circle");
      mark.setAttribute("cx", "7"); mark.setAttribute("cy", "7"); mark.setAttribute("r", "5.5");
    }
    mark.setAttribute("fill", fill); mark.setAttribute("stroke", "#333");
    if (dashed) { mark.setAttribute("stroke-dasharray", "2,1.5"); }
    svg.appendChild(mark);
    return svg;
  }
  function legendItem(svg, text) {
    const item = element("span", null, "item");
    item.appendChild(svg); item.appendChild(document.createTextNode(text));
    $("legend").appendChild(item);
  }
  data.sides.forEach((side) => legendItem(glyph("dot", side.color, false), side.name));
  data.kinds.forEach((kind) => legendItem(glyph(kind.shape, "#ffffff", kind.dashed), kind.kind));

  $("kind-filter").addEventListener("change", (event) => { state.kind = event.target.value; apply(); });
  $("country-filter").addEventListener("change", (event) => { state.country = event.target.value; apply(); });
  $("show-isolated").addEventListener("change", (event) => { state.showIsolated = event.target.checked; apply(); });
  $("fit").addEventListener("click", () => fit());
  $("reset").addEventListener("click", reset);

  function reset() {
    Object.assign(state, {kind: "", country: "", showIsolated: false, query: "", matches: new Set(), pinned: new Set(),
                          selected: null});
    $("kind-filter").value = ""; $("country-filter").value = ""; $("show-isolated").checked = false;
    $("search").value = ""; $("results").hidden = true;
    network.unselectAll(); $("panel").hidden = true;
    apply();
  }

  // --- search over every name ------------------------------------------------------------------
  function matchesOf(query) {
    const wanted = query.toLowerCase();
    const found = [];
    data.nodes.forEach((node) => {
      let best = null;
      [node.label].concat(node.names).forEach((name) => {
        const lower = name.toLowerCase();
        const rank = lower === wanted ? 0 : lower.startsWith(wanted) ? 1 : lower.includes(wanted) ? 2 : null;
        if (rank !== null && (best === null || rank < best.rank)) { best = {rank: rank, name: name}; }
      });
      if (best) { found.push({node: node, rank: best.rank, name: best.name}); }
    });
    found.sort((a, b) => a.rank - b.rank || b.node.pagerank - a.node.pagerank || a.node.label.localeCompare(b.node.label));
    return found;
  }

  function showResults(found) {
    const list = $("results");
    list.replaceChildren();
    found.slice(0, 12).forEach((match, index) => {
      const item = element("li", null, index === 0 ? "active" : "");
      item.setAttribute("role", "option");
      item.dataset.id = match.node.id;
      item.appendChild(element("span", match.node.label, "name"));
      if (match.name !== match.node.label) { item.appendChild(element("span", " — also “" + match.name + "”", "alias")); }
      item.appendChild(element("div", match.node.kind + " · " + (match.node.country || "country unknown"), "about"));
      item.addEventListener("click", () => choose(match.node.id));
      list.appendChild(item);
    });
    if (!found.length && state.query) { list.appendChild(element("li", "no name matches", "about")); }
    list.hidden = !state.query;
  }

  $("search").addEventListener("input", (event) => {
    state.query = event.target.value.trim();
    const found = state.query ? matchesOf(state.query) : [];
    state.matches = new Set(found.map((match) => match.node.id));
    showResults(found);
    apply("matches");
    network.selectNodes([...state.matches].filter((id) => visible(byId.get(id))));
  });
  $("search").addEventListener("keydown", (event) => {
    const first = $("results").querySelector("li[data-id]");
    if (event.key === "Enter" && first) { choose(first.dataset.id); }
    if (event.key === "Escape") { $("results").hidden = true; }
  });

  function choose(id) {
    state.pinned.add(id);  // shown whatever the filters say: the reader asked for it
    state.selected = id;
    $("results").hidden = true;
    apply(false);
    network.selectNodes([id]);
    const around = network.getConnectedNodes(id).filter((other) => visible(byId.get(other)));
    fit([id].concat(around));
    openPanel(id);
  }

  network.on("click", (params) => {
    if (params.nodes.length) {
      state.selected = params.nodes[0];
      apply(false);
      openPanel(params.nodes[0]);
    }
  });

  // --- the side panel: what `airace explain` says ---------------------------------------------
  function statementText(statement) {
    if (statement.kind === "measurement") {
      let text = "figure: " + statement.subject + " · " + (statement.metric || "figure") + " = " + statement.value +
        (statement.unit ? " " + statement.unit : "");
      if (statement.period) { text += " · period " + statement.period; }
      if (statement.comparedWith) { text += " · compared with " + statement.comparedWith; }
      if (statement.quote) { text += "  “" + statement.quote + "”"; }
      return text;
    }
    return statement.subject + " —" + statement.predicate + "→ " + statement.object;
  }

  function count(number, noun) { return number + " " + noun + (number === 1 ? "" : "s"); }

  function openPanel(id) {
    const node = byId.get(id);
    const body = $("panel-body");
    body.replaceChildren();
    body.appendChild(element("h2", node.label));
    body.appendChild(element("div", node.kind + " · " + (node.country || "country unknown")));
    body.appendChild(element("div", node.id, "iri"));
    if (node.names.length) { body.appendChild(element("div", "also called: " + node.names.join(", "))); }
    const under = new Map();  // sentence -> statements of this entity read from it
    node.statements.forEach((index) => {
      const statement = data.statements[index];
      if (!under.has(statement.sentence)) { under.set(statement.sentence, []); }
      under.get(statement.sentence).push(statement);
    });
    node.mentions.forEach((sentence) => { if (!under.has(sentence)) { under.set(sentence, []); } });
    const byDocument = new Map();
    [...under.keys()].forEach((sentence) => {
      const documentIndex = data.sentences[sentence][0];
      if (!byDocument.has(documentIndex)) { byDocument.set(documentIndex, []); }
      byDocument.get(documentIndex).push(sentence);
    });
    const figures = node.statements.filter((index) => data.statements[index].kind === "measurement").length;
    const mentionOnly = [...under.values()].filter((list) => !list.length).length;
    body.appendChild(element("div", count(byDocument.size, "document") + ": " +
      count(node.statements.length - figures, "statement") + ", " + count(figures, "figure") + ", " +
      count(mentionOnly, "sentence") + " that only " + (mentionOnly === 1 ? "mentions" : "mention") + " it"));
    const documents = [...byDocument.keys()].sort((a, b) =>
      (data.documents[a] || {title: ""}).title.localeCompare((data.documents[b] || {title: ""}).title));
    documents.forEach((documentIndex) => {
      const document_ = data.documents[documentIndex] || {title: "(no document)", iri: "", source: null, url: null};
      body.appendChild(element("h3", document_.title));
      const address = element("div", null, "address");
      if (document_.url) {
        const link = element("a", document_.url);
        link.href = document_.url; link.target = "_blank"; link.rel = "noopener noreferrer";
        address.appendChild(link);
      } else if (document_.source) { address.textContent = document_.source; }
      if (document_.iri) { address.appendChild(document.createTextNode((address.textContent ? "  " : "") + document_.iri)); }
      body.appendChild(address);
      byDocument.get(documentIndex).sort((a, b) => (data.sentences[a][1] || 0) - (data.sentences[b][1] || 0))
        .forEach((sentence) => {
          const [, start, end, text] = data.sentences[sentence];
          const paragraph = element("p", null, "sentence");
          if (start !== null) { paragraph.appendChild(element("span", "[" + start + "-" + end + "] ", "offsets")); }
          paragraph.appendChild(document.createTextNode(text));
          body.appendChild(paragraph);
          const list = element("ul");
          const said = under.get(sentence);
          if (!said.length) { list.appendChild(element("li", "(mention only)")); }
          said.forEach((statement) => {
            const item = element("li", statementText(statement));
            if (statement.rule) { item.appendChild(element("span", "  [rule: " + statement.rule + "]", "rule")); }
            list.appendChild(item);
          });
          body.appendChild(list);
        });
    });
    $("panel").hidden = false;
    $("panel").scrollTop = 0;
  }

  $("panel-close").addEventListener("click", () => { $("panel").hidden = true; });
  $("copy").addEventListener("click", () => {
    const text = $("panel-body").innerText;
    const select = () => {
      const range = document.createRange();
      range.selectNodeContents($("panel-body"));
      const selection = window.getSelection();
      selection.removeAllRanges(); selection.addRange(range);
      document.execCommand("copy");
    };
    if (navigator.clipboard && navigator.clipboard.writeText) { navigator.clipboard.writeText(text).catch(select); }
    else { select(); }
  });

  // --- the figures table -----------------------------------------------------------------------
  $("figures-summary").textContent = "Figures the sources give (" + data.figures.length + ")";
  const subjects = new Map(), metrics = new Map();
  data.figures.forEach((figure) => {
    subjects.set(figure.subjectName, (subjects.get(figure.subjectName) || 0) + 1);
    metrics.set(figure.metric, (metrics.get(figure.metric) || 0) + 1);
  });
  [...subjects.keys()].sort().forEach((name) => $("figure-subject").appendChild(new Option(name + " (" + subjects.get(name) + ")", name)));
  [...metrics.keys()].sort().forEach((name) => $("figure-metric").appendChild(new Option(name + " (" + metrics.get(name) + ")", name)));

  function showFigures() {
    const subject = $("figure-subject").value, metric = $("figure-metric").value;
    const body = document.querySelector("#figure-table tbody");
    body.replaceChildren();
    const rows = data.figures.filter((figure) => (!subject || figure.subjectName === subject) &&
                                                 (!metric || figure.metric === metric));
    rows.forEach((figure) => {
      const row = element("tr");
      const bound = figure.bound === "lower" ? "≥ " : figure.bound === "upper" ? "≤ " : "";
      [figure.subjectName, figure.metric, bound + figure.value, figure.unit, figure.period, figure.quote]
        .forEach((value, index) => row.appendChild(element("td", value === null ? "" : value, index === 2 ? "number" : "")));
      const source = element("td");
      const document_ = data.documents[figure.document];
      if (document_ && document_.url) {
        const link = element("a", document_.title);
        link.href = document_.url; link.target = "_blank"; link.rel = "noopener noreferrer";
        source.appendChild(link);
      } else if (document_) { source.textContent = document_.title; }
      row.appendChild(source);
      body.appendChild(row);
    });
    $("figure-count").textContent = rows.length + " of " + data.figures.length;
  }
  $("figure-subject").addEventListener("change", showFigures);
  $("figure-metric").addEventListener("change", showFigures);
  showFigures();

  const view = {network: network, nodes: nodes, edges: edges, data: data, apply: apply, fit: fit, choose: choose,
                state: state, ready: false};
  window.airaceView = view;
  network.once("afterDrawing", () => { view.ready = true; view.readyAt = performance.now(); });
  apply();
})();
