/* Course Assistant chat widget: one <script src=".../widget.js" defer></script> on any page.
 * No dependencies, no build step. Everything renders inside a shadow root, and every text from
 * a learner or the server goes in with textContent (never innerHTML). */
(function () {
  "use strict";
  var NAME = "[Course Assistant]";
  if (window.CourseAssistant) {
    console.info(NAME, "already loaded; this copy does nothing.");
    return;
  }
  var script = document.currentScript;
  if (!script || !script.src) {
    console.error(NAME, "load me with a <script src=...> tag so I can find my server.");
    return;
  }

  // ---------------------------------------------------------------- settings, read once
  var DEFAULTS = {
    title: "Course Assistant",
    greeting: "",
    position: "right",
    accent: "#1d4ed8",
    open: "false",
    roadmap: ""
  };
  var config = {};
  Object.keys(DEFAULTS).forEach(function (key) {
    var value = script.dataset[key];
    config[key] = value === undefined || value === "" ? DEFAULTS[key] : value;
  });
  if (!/^#[0-9a-fA-F]{3,8}$|^rgb\(\s*\d+\s*,\s*\d+\s*,\s*\d+\s*\)$/.test(config.accent)) {
    console.warn(NAME, "data-accent must be a #hex or rgb() colour; using the default.");
    config.accent = DEFAULTS.accent;
  }
  var ORIGIN = new URL(script.src, location.href).origin;
  var SOCKET_URL = ORIGIN.replace(/^http/, "ws") + "/ws";
  var ROADMAP_URL = config.roadmap || ORIGIN + "/";
  var STORE_KEY = "course-assistant:" + ORIGIN;
  var MAX_TRANSCRIPT = 60;
  var RECONNECT_MAX_MS = 30000;

  // ---------------------------------------------------------------- state kept across pages
  var state = loadState();
  function loadState() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(STORE_KEY) || "null");
      if (saved && Array.isArray(saved.transcript)) return saved;
    } catch (e) { /* storage unavailable or corrupt: start afresh */ }
    return { sessionId: null, transcript: [], queue: [], open: config.open === "true", nextId: 1 };
  }
  function saveState() {
    state.transcript = state.transcript.slice(-MAX_TRANSCRIPT);
    try { sessionStorage.setItem(STORE_KEY, JSON.stringify(state)); } catch (e) { /* quota: keep going */ }
  }

  // ---------------------------------------------------------------- small DOM helpers
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (name) {
        if (name === "text") node.textContent = attrs[name];
        else if (name === "className") node.className = attrs[name];
        else node.setAttribute(name, attrs[name]);
      });
    }
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }
  function safeUrl(url) {
    try {
      var parsed = new URL(url, ORIGIN);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (e) { return null; }
  }
  // Plain text with **bold** and line breaks, built as nodes.
  function richText(text) {
    var fragment = document.createDocumentFragment();
    String(text || "").split("\n").forEach(function (line, index) {
      if (index) fragment.appendChild(document.createElement("br"));
      line.split("**").forEach(function (part, i) {
        if (!part) return;
        fragment.appendChild(i % 2 ? el("strong", { text: part }) : document.createTextNode(part));
      });
    });
    return fragment;
  }
  function compact(n) {
    if (n >= 1e6) return (n / 1e6).toFixed(1).replace(/\.0$/, "") + "M";
    if (n >= 1e3) return (n / 1e3).toFixed(1).replace(/\.0$/, "") + "k";
    return String(n);
  }

  // ---------------------------------------------------------------- the widget's DOM
  var host = el("div", { id: "course-assistant", "data-position": config.position === "left" ? "left" : "right" });
  host.style.setProperty("--ca-accent", config.accent);
  var root = host.attachShadow({ mode: "open" });
  root.appendChild(el("link", { rel: "stylesheet", href: ORIGIN + "/widget.css" }));

  var launcher = el("button", { type: "button", part: "launcher", className: "launcher",
    "aria-label": "Open " + config.title + " chat", "aria-expanded": "false", "aria-controls": "ca-panel" },
    [el("span", { className: "launcher-icon", "aria-hidden": "true", text: "💬" }),
     el("span", { className: "launcher-label", text: "Ask about courses" })]);
  var status = el("span", { className: "status", part: "status", role: "status", text: "Connecting…" });
  var closeButton = el("button", { type: "button", className: "close", part: "close",
    "aria-label": "Close chat", text: "×" });
  var header = el("div", { className: "header", part: "header" },
    [el("div", { className: "titles" }, [el("h2", { className: "title", id: "ca-title", text: config.title }), status]),
     closeButton]);
  var log = el("div", { className: "log", part: "log", role: "log", "aria-live": "polite",
    "aria-relevant": "additions", "aria-label": "Conversation", tabindex: "0" });
  var typing = el("div", { className: "typing", part: "typing", hidden: "", "aria-label": "The assistant is typing" },
    [el("span"), el("span"), el("span")]);
  var input = el("input", { type: "text", className: "input", part: "input", id: "ca-input",
    autocomplete: "off", enterkeyhint: "send", maxlength: "2000", placeholder: "Ask about courses…" });
  var sendButton = el("button", { type: "submit", className: "send", part: "send", "aria-label": "Send", text: "➤" });
  var form = el("form", { className: "composer", part: "composer" },
    [el("label", { className: "visually-hidden", for: "ca-input", text: "Your message" }), input, sendButton]);
  var panel = el("section", { className: "panel", part: "panel", id: "ca-panel", role: "dialog",
    "aria-labelledby": "ca-title", hidden: "" }, [header, log, typing, form]);
  root.appendChild(launcher);
  root.appendChild(panel);

  // ---------------------------------------------------------------- rendering messages
  function chips(texts, className) {
    var row = el("div", { className: className || "chips" });
    (texts || []).forEach(function (text) {
      var chip = el("button", { type: "button", className: "chip", part: "chip", text: text });
      chip.addEventListener("click", function () { send(text); });
      row.appendChild(chip);
    });
    return row;
  }
  function courseCard(course) {
    var url = safeUrl(course.url);
    var title = url ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer", text: course.title })
                    : el("span", { text: course.title });
    var facts = [course.provider, course.organization, course.level].filter(Boolean).join(" · ");
    var card = el("article", { className: "card", part: "card" },
      [el("h3", { className: "card-title" }, [title]), el("p", { className: "card-meta", text: facts })]);
    var badges = el("p", { className: "badges" });
    if (typeof course.rating === "number") {
      var outOfTen = (course.rating * 10 / (course.rating_scale || 5)).toFixed(1);
      var reviews = course.reviews ? " (" + compact(course.reviews) + " reviews)" : "";
      badges.appendChild(el("span", { className: "rating", text: "★ " + outOfTen + "/10" + reviews }));
    }
    if (course.free === true) badges.appendChild(el("span", { className: "badge free", text: "Free" }));
    if (badges.childNodes.length) card.appendChild(badges);
    if (course.why) card.appendChild(el("p", { className: "why", text: course.why }));
    return card;
  }
  function comparisonTable(comparison) {
    var table = el("table", { className: "compare", part: "comparison" });
    table.appendChild(el("caption", { className: "visually-hidden", text: "Course comparison" }));
    var headRow = el("tr", null, [el("th", { scope: "col", text: "" })]);
    comparison.courses.forEach(function (course) {
      var url = safeUrl(course.url);
      var cell = el("th", { scope: "col" });
      cell.appendChild(url ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer", text: course.title })
                           : document.createTextNode(course.title));
      headRow.appendChild(cell);
    });
    table.appendChild(el("thead", null, [headRow]));
    var body = el("tbody");
    comparison.rows.forEach(function (row) {
      var tr = el("tr", null, [el("th", { scope: "row", text: row.label })]);
      row.values.forEach(function (value) { tr.appendChild(el("td", { text: String(value) })); });
      body.appendChild(tr);
    });
    table.appendChild(body);
    return el("div", { className: "compare-wrap", tabindex: "0", role: "region", "aria-label": "Comparison table" }, [table]);
  }
  function filterChips(filters) {
    var names = { level: "", provider: "on ", organization: "from ", language: "in " };
    var labels = [];
    Object.keys(filters || {}).forEach(function (key) {
      var value = filters[key];
      if (key === "topics") return;
      if (key === "free" && value) labels.push("Free");
      else if (key === "certificate" && value) labels.push("Certificate");
      else if (key === "max_price") labels.push("Under $" + value);
      else if (key === "max_hours") labels.push("Under " + value + " h");
      else if (key === "min_rating") labels.push("Rated " + (value * 2) + "+/10");
      else if (key in names) labels.push(names[key] + value);
    });
    if (!labels.length) return null;
    var row = el("div", { className: "filters", "aria-label": "Filters understood" });
    labels.forEach(function (label) { row.appendChild(el("span", { className: "filter", text: label })); });
    return row;
  }
  function sourceLinks(sources) {
    if (!sources || !sources.length) return null;
    var row = el("p", { className: "sources" }, [el("span", { text: "From the roadmap: " })]);
    var seen = {};
    sources.forEach(function (source) {
      var section = source.kind === "section" ? source.id : source.section;
      if (!section || seen[section]) return;
      seen[section] = true;
      var href = safeUrl(ROADMAP_URL.split("#")[0] + "#" + encodeURIComponent(section));
      if (href) row.appendChild(el("a", { href: href, text: source.title }));
    });
    return row.childNodes.length > 1 ? row : null;
  }
  function renderBot(reply, isGreeting) {
    var bubble = el("div", { className: "message bot", part: "message bot-message" });
    bubble.appendChild(el("p", { className: "text" }, [richText(reply.text)]));
    var filters = filterChips(reply.filters);
    if (filters) bubble.appendChild(filters);
    if (reply.comparison && reply.comparison.rows) {
      bubble.appendChild(comparisonTable(reply.comparison));
      if (reply.comparison.verdict) bubble.appendChild(el("p", { className: "verdict" }, [richText(reply.comparison.verdict)]));
    } else if (reply.courses && reply.courses.length) {
      var cards = el("div", { className: "cards" });
      reply.courses.forEach(function (course) { cards.appendChild(courseCard(course)); });
      bubble.appendChild(cards);
    }
    var sources = sourceLinks(reply.sources);
    if (sources) bubble.appendChild(sources);
    if (reply.suggestions && reply.suggestions.length) {
      bubble.appendChild(chips(reply.suggestions, isGreeting ? "chips starters" : "chips"));
    }
    return bubble;
  }
  function renderEntry(entry) {
    if (entry.role === "user") return el("div", { className: "message user", part: "message user-message", text: entry.text });
    if (entry.role === "error") return el("div", { className: "message notice", role: "alert", text: entry.text });
    return renderBot(entry.reply, entry.greeting);
  }
  function append(entry, persist) {
    log.appendChild(renderEntry(entry));
    if (persist !== false) {
      state.transcript.push(entry);
      saveState();
    }
    log.scrollTop = log.scrollHeight;
  }

  // ---------------------------------------------------------------- the connection
  var socket = null;
  var connected = false;
  var attempts = 0;
  var retryTimer = null;
  var pending = {};

  function setStatus(text, kind) {
    status.textContent = text;
    status.setAttribute("data-state", kind);
  }
  function showTyping() {
    typing.hidden = Object.keys(pending).length === 0;
    if (!typing.hidden) log.scrollTop = log.scrollHeight;
  }
  function connect() {
    if (socket && (socket.readyState === 0 || socket.readyState === 1)) return;
    clearTimeout(retryTimer);
    setStatus(attempts ? "Reconnecting…" : "Connecting…", "connecting");
    var url = SOCKET_URL + (state.sessionId ? "?session_id=" + encodeURIComponent(state.sessionId) : "");
    try { socket = new WebSocket(url); } catch (e) { scheduleReconnect(); return; }
    socket.onmessage = function (event) { receive(event.data); };
    socket.onclose = function () {
      connected = false;
      socket = null;
      scheduleReconnect();
    };
    socket.onerror = function () { /* onclose follows and schedules the retry */ };
  }
  function scheduleReconnect() {
    attempts += 1;
    var delay = Math.min(RECONNECT_MAX_MS, 500 * Math.pow(2, attempts)) * (0.75 + Math.random() * 0.5);
    setStatus(navigator.onLine === false ? "Offline: will retry" : "Can't reach the assistant: retrying…", "offline");
    clearTimeout(retryTimer);
    retryTimer = setTimeout(connect, delay);
  }
  function receive(data) {
    var frame;
    try { frame = JSON.parse(data); } catch (e) { console.warn(NAME, "ignored a frame that is not JSON"); return; }
    if (frame.type === "welcome") {
      var resumed = frame.resumed && frame.session_id === state.sessionId;
      state.sessionId = frame.session_id;
      connected = true;
      attempts = 0;
      setStatus("Online", "online");
      if (!resumed && !state.transcript.some(function (e) { return e.greeting; })) {
        var greeting = Object.assign({}, frame.reply);
        if (config.greeting) greeting.text = config.greeting;
        append({ role: "bot", reply: greeting, greeting: true });
      }
      saveState();
      flushQueue();
    } else if (frame.type === "reply") {
      delete pending[frame.in_reply_to];
      state.sessionId = frame.session_id || state.sessionId;
      append({ role: "bot", reply: frame.reply });
    } else if (frame.type === "error") {
      if (frame.in_reply_to !== null) delete pending[frame.in_reply_to];
      append({ role: "error", text: frame.message || "Something went wrong." });
    }
    showTyping();
  }
  function flushQueue() {
    while (connected && state.queue.length) {
      var item = state.queue.shift();
      pending[item.id] = true;
      socket.send(JSON.stringify({ type: "message", id: item.id, text: item.text }));
    }
    saveState();
    showTyping();
  }
  function send(text) {
    text = String(text || "").trim();
    if (!text) return;
    append({ role: "user", text: text });
    state.queue.push({ id: "c" + state.nextId++, text: text });
    saveState();
    if (connected) flushQueue();
    else { connect(); showTyping(); }
  }

  // ---------------------------------------------------------------- opening, closing, keys
  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    host.setAttribute("data-open", "true");
    state.open = true;
    saveState();
    connect();
    input.focus();
    log.scrollTop = log.scrollHeight;
  }
  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    host.removeAttribute("data-open");
    state.open = false;
    saveState();
    launcher.focus();
  }
  launcher.addEventListener("click", function () { if (panel.hidden) open(); else close(); });
  closeButton.addEventListener("click", close);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { event.preventDefault(); close(); }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    input.value = "";
    send(text);
  });
  window.addEventListener("online", function () { if (!connected) { attempts = 0; connect(); } });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && !connected) { attempts = 0; connect(); }
  });

  // ---------------------------------------------------------------- start
  function start() {
    document.body.appendChild(host);
    state.transcript.forEach(function (entry) { append(entry, false); });
    if (state.queue.length) showTyping();
    if (state.open) open(); else connect();
  }
  window.CourseAssistant = Object.freeze({
    open: open,
    close: close,
    send: function (text) { if (panel.hidden) open(); send(text); }
  });
  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
