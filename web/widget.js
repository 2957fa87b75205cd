/* Course Assistant chat widget: <script src="https://HOST/widget.js" defer></script> on any page.
 * One shadow root, no dependencies, no eval, no inline styles; text only through textContent.
 * Why it does what it does (isolation, CSP, fallback, options): docs/WIDGET.md. Protocol: docs/PROTOCOL.md. */
(function () {
  "use strict";

  var NAME = "[Course Assistant]";
  if (window.CourseAssistant) {
    console.info(NAME, "widget.js is already loaded on this page; this second copy does nothing.");
    return;
  }
  var script = document.currentScript;
  if (!script || !script.src) {
    console.error(NAME, "load widget.js with <script src=\"...\"> so it can find its server.");
    return;
  }

  // --- settings, read once
  var DEFAULTS = {
    title: "Course Assistant",
    greeting: "",
    position: "right",
    accent: "#1d4ed8",
    open: "false",
    launcher: "Ask about courses",
    theme: "auto",
    roadmap: ""
  };
  var config = {};
  Object.keys(DEFAULTS).forEach(function (key) {
    var value = script.dataset[key];
    config[key] = value === undefined || value.trim() === "" ? DEFAULTS[key] : value.trim();
  });

  var ORIGIN = new URL(script.src, location.href).origin;
  var SOCKET_URL = ORIGIN.replace(/^http/, "ws") + "/ws";
  var ROADMAP_URL = new URL(config.roadmap || "/", config.roadmap ? location.href : ORIGIN);
  var STORE_KEY = "course-assistant:" + ORIGIN;
  var MAX_TRANSCRIPT = 80;
  var RETRY_BASE_MS = 1000;          // 1, 2, 4 ... 30 s, +-20%
  var RETRY_MAX_MS = 30000;
  var QUIET_MS = 20000;
  var CONNECT_MS = 10000;
  var PONG_MS = 6000;

  // --- colours (WCAG AA on the accent)
  function parseColour(value) {
    var match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value);
    if (match) {
      var hex = match[1].length === 3 ? match[1].replace(/./g, "$&$&") : match[1];
      return [0, 2, 4].map(function (i) { return parseInt(hex.substr(i, 2), 16); });
    }
    match = /^rgb\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)$/i.exec(value);
    if (match && match.slice(1).every(function (v) { return +v <= 255; })) return match.slice(1).map(Number);
    return null;
  }
  function luminance(rgb) {
    var linear = rgb.map(function (v) {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
  }
  function contrast(a, b) {
    var x = luminance(a), y = luminance(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  }
  var accent = parseColour(config.accent);
  if (!accent) {
    console.warn(NAME, "data-accent must be #rgb, #rrggbb or rgb(r, g, b), not " + JSON.stringify(config.accent) +
                 "; using " + DEFAULTS.accent + ".");
    config.accent = DEFAULTS.accent;
    accent = parseColour(config.accent);
  }
  var WHITE = [255, 255, 255], INK = [17, 24, 39], DARK = [22, 27, 34];   // DARK: dark theme's --ca-bg
  var theme = {
    "--ca-accent": config.accent,
    "--ca-on-accent": contrast(accent, WHITE) >= contrast(accent, INK) ? "#ffffff" : "#111827",
    // The accent as text (links, chips) only where it reaches 4.5:1.
    "--ca-accent-ink-light": contrast(accent, WHITE) >= 4.5 ? config.accent : "#1f2328",
    "--ca-accent-ink-dark": contrast(accent, DARK) >= 4.5 ? config.accent : "#8cb4ff"
  };

  // --- state kept across pages (sessionStorage)
  function freshState() {
    return { sessionId: null, transcript: [], outbox: [], answered: [], open: config.open === "true", seq: 0,
             greeted: false, unread: 0, transport: "ws" };
  }
  var state = loadState();
  function loadState() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(STORE_KEY) || "null");
      if (saved && Array.isArray(saved.transcript) && Array.isArray(saved.outbox)) {
        return Object.assign(freshState(), saved);
      }
    } catch (e) { /* storage blocked or corrupt: start afresh */ }
    return freshState();
  }
  function saveState() {
    state.transcript = state.transcript.slice(-MAX_TRANSCRIPT);
    state.answered = state.answered.slice(-50);
    try { sessionStorage.setItem(STORE_KEY, JSON.stringify(state)); } catch (e) { /* full or blocked: keep going */ }
  }

  // --- DOM helpers (text only through textContent)
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else node.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }
  function icon(path) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    [["viewBox", "0 0 24 24"], ["aria-hidden", "true"], ["focusable", "false"], ["class", "icon"]].forEach(function (a) {
      svg.setAttribute(a[0], a[1]);
    });
    var shape = document.createElementNS(ns, "path");
    shape.setAttribute("d", path);
    svg.appendChild(shape);
    return svg;
  }
  var ICONS = {
    chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z",
    send: "M3 20.5 21.5 12 3 3.5l2.6 7.1L15 12l-9.4 1.4z",
    close: "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z",
    up: "M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3a1.5 1.5 0 0 0-.5-1.1L13.2 1 7.6 6.6A2 2 0 0 0 7 8v11a2 2 0 0 0 2 2h9a2 2 0 0 0 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2z",
    down: "M22 3h-4v12h4V3zM2 14a2 2 0 0 0 2 2h6.3l-1 4.6v.3c0 .4.2.8.5 1.1l1 1 5.6-5.6A2 2 0 0 0 17 16V5a2 2 0 0 0-2-2H6a2 2 0 0 0-1.8 1.2l-3 7.1c-.1.2-.2.5-.2.7v2z",
    restart: "M11 5h2v6h6v2h-6v6h-2v-6H5v-2h6z"
  };
  function safeUrl(url, base) {
    if (typeof url !== "string" || !url) return null;
    try {
      var parsed = new URL(url, base || ORIGIN);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (e) { return null; }
  }
  function link(href, text, className) {
    var sameSite = new URL(href).origin === location.origin;
    return el("a", { href: href, className: className, text: text,
                     target: sameSite ? null : "_blank", rel: sameSite ? null : "noopener" });
  }
  function richText(text) {
    var fragment = document.createDocumentFragment();
    String(text == null ? "" : text).split("\n").forEach(function (line, index) {
      if (index) fragment.appendChild(el("br"));
      line.split("**").forEach(function (part, i, parts) {
        if (!part) return;
        var bold = i % 2 === 1 && i < parts.length - 1;
        fragment.appendChild(bold ? el("strong", { text: part }) : document.createTextNode(i % 2 && !bold ? "**" + part : part));
      });
    });
    return fragment;
  }
  function compact(n) {
    if (n >= 1e6) return (n / 1e6).toFixed(1).replace(/\.0$/, "") + "M";
    if (n >= 1e3) return (n / 1e3).toFixed(1).replace(/\.0$/, "") + "k";
    return String(n);
  }
  // One scale everywhere, as the server's text says it: "4.8/5".
  function ratingText(rating, scale) {
    return String(Math.round(rating * 5 / (scale > 0 ? scale : 5) * 100) / 100) + "/5";
  }

  // --- the widget's DOM
  // <course-assistant>: placed by the page, or added at the end of <body>.
  if (window.customElements && !window.customElements.get("course-assistant")) {
    window.customElements.define("course-assistant", class extends HTMLElement {});
  }
  var placed = document.querySelector("course-assistant");
  var host = placed && !placed.shadowRoot ? placed : document.createElement("course-assistant");
  if (!host.id) host.id = "course-assistant";
  if (!host.hasAttribute("data-position")) host.setAttribute("data-position", config.position === "left" ? "left" : "right");
  if (!host.hasAttribute("data-theme") && (config.theme === "light" || config.theme === "dark")) {
    host.setAttribute("data-theme", config.theme);
  }
  Object.keys(theme).forEach(function (name) { host.style.setProperty(name, theme[name]); });
  var root = host.attachShadow({ mode: "open" });

  var launcherLabel = config.launcher + " (" + config.title + ")";
  var unreadBadge = el("span", { className: "unread", part: "unread", "aria-hidden": "true", hidden: true });
  var launcher = el("button", { type: "button", className: "launcher", part: "launcher",
    "aria-label": launcherLabel, "aria-expanded": "false", "aria-controls": "ca-panel" },
    [icon(ICONS.chat), el("span", { className: "launcher-label", text: config.launcher }), unreadBadge]);
  var status = el("p", { className: "status", part: "status", role: "status", "data-state": "idle", text: "Not connected" });
  var closeButton = el("button", { type: "button", className: "close", part: "close", "aria-label": "Close chat",
    title: "Close (Esc)" }, [icon(ICONS.close)]);
  var restartButton = el("button", { type: "button", className: "restart", part: "restart",
    "aria-label": "New conversation", title: "New conversation (clears this one)" }, [icon(ICONS.restart)]);
  // Not <header>: that would be a second banner landmark.
  var header = el("div", { className: "header", part: "header" }, [
    el("div", { className: "titles" }, [el("h2", { className: "title", id: "ca-title", text: config.title }), status]),
    restartButton, closeButton]);
  var log = el("div", { className: "log", part: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
    "aria-label": "Conversation", tabindex: "0" });
  var typing = el("div", { className: "typing", part: "typing", role: "status", hidden: true }, [
    el("span", { className: "dot", "aria-hidden": "true" }), el("span", { className: "dot", "aria-hidden": "true" }),
    el("span", { className: "dot", "aria-hidden": "true" }), el("span", { className: "visually-hidden", text: "The assistant is typing" })]);
  var input = el("input", { type: "text", className: "input", part: "input", id: "ca-input", autocomplete: "off",
    enterkeyhint: "send", maxlength: "2000", placeholder: "Ask about courses…" });
  var sendButton = el("button", { type: "submit", className: "send", part: "send", "aria-label": "Send" }, [icon(ICONS.send)]);
  var form = el("form", { className: "composer", part: "composer" }, [
    el("label", { className: "visually-hidden", for: "ca-input", text: "Your message" }), input, sendButton]);
  var panel = el("section", { className: "panel", part: "panel", id: "ca-panel", role: "dialog",
    "aria-labelledby": "ca-title", hidden: true }, [header, log, typing, form]);
  // The top element, where widget.css sets every inherited property; hidden until styled.
  var shell = el("div", { className: "shell", hidden: true }, [launcher, panel]);
  root.appendChild(shell);
  function reveal() {
    shell.hidden = false;
    if (!panel.hidden) bringIntoView(log.lastElementChild);
  }
  // A constructed stylesheet (style-src doesn't apply), else a <link>, else hidden.
  function loadStyles() {
    var url = ORIGIN + "/widget.css";
    var adoptable = "adoptedStyleSheets" in root && typeof CSSStyleSheet === "function" &&
                    "replaceSync" in CSSStyleSheet.prototype && typeof fetch === "function";
    if (!adoptable) { linkStyles(url); return; }
    fetch(url, { credentials: "omit" }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.text();
    }).then(function (text) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(text);
      root.adoptedStyleSheets = [sheet];
      reveal();
    }).catch(function () { linkStyles(url); });
  }
  function linkStyles(url) {
    var sheet = el("link", { rel: "stylesheet", href: url });
    sheet.addEventListener("load", reveal);
    sheet.addEventListener("error", function () {
      console.error(NAME, "the widget stays hidden: this page could not load its styles from " + url + ". If the " +
                    "page has a Content-Security-Policy, add " + ORIGIN + " to its connect-src directive (or to " +
                    "style-src).");
    });
    root.insertBefore(sheet, shell);
  }

  // --- rendering replies
  function chipRow(items, className, label) {
    var row = el("div", { className: className, role: "group", "aria-label": label });
    items.forEach(function (item) {
      var chip = el("button", { type: "button", className: "chip", part: "chip", text: item.label || item });
      chip.addEventListener("click", function () { send(item.text || item); });
      row.appendChild(chip);
    });
    return row;
  }
  function courseCard(course) {
    var url = safeUrl(course.url);
    var title = String(course.title || "Untitled course");
    var meta = [course.provider, course.organization, course.level].filter(Boolean).join(" · ");
    var card = el("article", { className: "card" + (url ? " linked" : ""), part: "card" }, [
      el("h3", { className: "card-title" }, [url ? link(url, title) : el("span", { text: title })]),
      meta ? el("p", { className: "card-meta", text: meta }) : null]);
    var badges = el("p", { className: "badges" });
    if (typeof course.rating === "number") {
      var reviews = typeof course.reviews === "number" && course.reviews > 0
        ? " · " + compact(course.reviews) + (course.reviews === 1 ? " review" : " reviews") : "";
      badges.appendChild(el("span", { className: "rating", part: "rating" }, [
        el("span", { "aria-hidden": "true", text: "★ " }), ratingText(course.rating, course.rating_scale),
        el("span", { className: "reviews", text: reviews })]));
    }
    if (course.free === true) badges.appendChild(el("span", { className: "badge free", part: "badge", text: "Free" }));
    if (badges.childNodes.length) card.appendChild(badges);
    if (course.why) card.appendChild(el("p", { className: "why" }, [el("span", { className: "why-label", text: "Why: " }), String(course.why)]));
    return card;
  }
  function comparisonTable(comparison) {
    var courses = Array.isArray(comparison.courses) ? comparison.courses : [];
    var table = el("table", { className: "compare" + (courses.length > 2 ? " compare-many" : ""), part: "comparison" });
    table.appendChild(el("caption", { className: "visually-hidden", text: "Comparison of " + courses.length + " courses" }));
    var head = el("tr", null, [el("td", { className: "corner" })]);
    courses.forEach(function (course) {
      var url = safeUrl(course.url);
      var title = String(course.title || "");
      head.appendChild(el("th", { scope: "col" }, [url ? link(url, title) : title]));
    });
    table.appendChild(el("thead", null, [head]));
    var body = el("tbody");
    (comparison.rows || []).forEach(function (row) {
      var tr = el("tr", null, [el("th", { scope: "row", text: String(row.label || "") })]);
      courses.forEach(function (course, i) {
        var value = row.values && row.values[i];
        if (row.label === "Rating" && course && typeof course.rating === "number") {
          value = ratingText(course.rating, course.rating_scale) +
            (typeof course.reviews === "number" && course.reviews > 0 ? " (" + compact(course.reviews) + " reviews)" : "");
        }
        tr.appendChild(el("td", { text: value == null ? "–" : String(value) }));
      });
      body.appendChild(tr);
    });
    table.appendChild(body);
    var wrap = el("div", { className: "compare-wrap", tabindex: "0", role: "region", "aria-label": "Comparison table (scrolls sideways)" }, [table]);
    if (courses.length < 3) return wrap;
    return el("div", null, [el("p", { className: "compare-hint", "aria-hidden": "true",
                                      text: "Swipe or scroll the table sideways to see all " + courses.length + " courses →" }), wrap]);
  }
  function topicName(id) {
    var words = String(id).replace(/[-_]+/g, " ");
    return words.length <= 3 ? words.toUpperCase() : words.charAt(0).toUpperCase() + words.slice(1);
  }
  function filterChips(filters) {
    if (!filters || typeof filters !== "object") return null;
    var items = [];
    function add(label, remove) { items.push({ label: label, remove: remove }); }
    (Array.isArray(filters.topics) ? filters.topics : []).forEach(function (t) { add(topicName(t), null); });
    if (filters.level) add(String(filters.level), "Any level");
    if (filters.free === true) add("Free", "Paid ones too");
    if (typeof filters.max_price === "number") add("Under $" + filters.max_price, "Any price");
    if (filters.provider) add("On " + filters.provider, "Any provider");
    if (filters.organization) add("From " + filters.organization, "Any organization");
    if (typeof filters.max_hours === "number") add("Up to " + filters.max_hours + " h", "Any length");
    if (typeof filters.min_rating === "number") add("Rated " + ratingText(filters.min_rating, 5).replace("/5", "+/5"), "Any rating");
    if (filters.certificate === true) add("Certificate", "No certificate needed");
    if (filters.language) add("In " + filters.language, "Any language");
    if (filters.program) add(filters.program, "Any program");
    if (!items.length) return null;
    var row = el("ul", { className: "filters", part: "filters", "aria-label": "What I looked for" });
    items.forEach(function (item) {
      if (!item.remove) {
        row.appendChild(el("li", { className: "filter", text: item.label }));
        return;
      }
      var button = el("button", { type: "button", className: "filter removable", part: "filter-remove",
                                  "aria-label": "Remove filter: " + item.label, title: item.remove, text: item.label });
      button.addEventListener("click", function () { send(item.remove); });
      row.appendChild(el("li", null, [button]));
    });
    return row;
  }
  function correctionsLine(corrections) {
    var pairs = Object.keys(corrections || {}).map(function (typed) { return "“" + typed + "” as “" + corrections[typed] + "”"; });
    return pairs.length ? el("p", { className: "corrections", text: "I read " + pairs.join(", ") + "." }) : null;
  }
  function sourceLinks(sources) {
    var row = el("p", { className: "sources", part: "sources" }, [el("span", { className: "sources-label", text: "From the roadmap: " })]);
    var seen = {};
    (Array.isArray(sources) ? sources : []).forEach(function (source) {
      var section = source && (source.kind === "section" ? source.id : source.section);
      if (!section || seen[section]) return;
      seen[section] = true;
      var href = safeUrl("#" + encodeURIComponent(section), ROADMAP_URL.href);
      if (!href) return;
      var anchor = link(href, String(source.title || section), "source");
      // On a phone the panel covers the section: put it away.
      anchor.addEventListener("click", function () { if (fullScreen()) close(false); });
      row.appendChild(anchor);
    });
    return row.childNodes.length > 1 ? row : null;
  }
  function botMessage(entry) {
    var reply = entry.reply || {};
    var results = (Array.isArray(reply.courses) && reply.courses.length > 0) || !!reply.comparison;
    var bubble = el("div", { className: "message bot" + (entry.greeting ? " greeting" : "") + (results ? " results" : ""),
                             part: "message bot-message" }, [el("span", { className: "visually-hidden", text: "Assistant said: " })]);
    if (entry.quote) bubble.appendChild(el("p", { className: "quote", text: "↪ " + entry.quote }));
    bubble.appendChild(el("p", { className: "text" }, [richText(reply.text)]));
    var corrections = correctionsLine(reply.corrections);
    if (corrections) bubble.appendChild(corrections);
    var filters = filterChips(reply.filters);
    if (filters && (reply.courses || []).length) bubble.appendChild(filters);
    if (reply.comparison && Array.isArray(reply.comparison.rows)) {
      bubble.appendChild(comparisonTable(reply.comparison));
    } else if (Array.isArray(reply.courses) && reply.courses.length) {
      var cards = el("div", { className: "cards", role: "list" });
      reply.courses.forEach(function (course) {
        var item = el("div", { role: "listitem" }, [courseCard(course || {})]);
        watchCourseClicks(item, entry, course || {});
        cards.appendChild(item);
      });
      bubble.appendChild(cards);
    }
    var sources = sourceLinks(reply.sources);
    if (sources) bubble.appendChild(sources);
    if (Array.isArray(reply.suggestions) && reply.suggestions.length) {
      bubble.appendChild(chipRow(reply.suggestions.map(String), entry.greeting ? "chips starters" : "chips",
                                 entry.greeting ? "Example questions" : "Suggestions"));
    }
    if (entry.turnId) bubble.appendChild(feedbackRow(entry));
    return bubble;
  }

  // ---------------------------------------------------------- feedback: thumbs and card clicks
  // Only on replies that carry a turn_id (the server keeps a conversation log). One vote per reply:
  // pressing the other thumb changes it, pressing the same one again takes it back. Sent as the
  // protocol's feedback / course_click frames, or over HTTP when the socket is not open.
  function sendFeedback(frame) {
    if (socket && ready && socket.readyState === 1) {
      socket.send(JSON.stringify(frame));
      return;
    }
    if (!state.sessionId || typeof fetch !== "function") return;
    var body = Object.assign({ session_id: state.sessionId }, frame);
    delete body.type;
    fetch(ORIGIN + "/api/" + frame.type, { method: "POST", mode: "cors", credentials: "omit", keepalive: true,
      headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }).catch(function () { /* best effort */ });
  }
  function feedbackRow(entry) {
    var thanks = el("span", { className: "visually-hidden", role: "status" });
    var row = el("div", { className: "feedback", part: "feedback", role: "group", "aria-label": "Was this answer helpful?" });
    var buttons = {};
    function paint() {
      ["up", "down"].forEach(function (vote) {
        buttons[vote].setAttribute("aria-pressed", entry.vote === vote ? "true" : "false");
      });
    }
    ["up", "down"].forEach(function (vote) {
      var label = vote === "up" ? "Helpful" : "Not helpful";
      var button = el("button", { type: "button", className: "vote " + vote, part: "vote", "aria-label": label,
                                  title: label, "aria-pressed": "false" }, [icon(ICONS[vote])]);
      button.addEventListener("click", function () {
        entry.vote = entry.vote === vote ? null : vote;
        paint();
        saveState();
        thanks.textContent = entry.vote ? "Thanks for your feedback." : "Feedback removed.";
        sendFeedback({ type: "feedback", turn_id: entry.turnId, vote: entry.vote || "none" });
      });
      buttons[vote] = button;
      row.appendChild(button);
    });
    row.appendChild(thanks);
    paint();
    return row;
  }
  function watchCourseClicks(item, entry, course) {
    if (!entry.turnId || typeof course.id !== "string") return;
    item.addEventListener("click", function (event) {
      var target = event.target;
      if (!target || !target.closest || !target.closest("a")) return;      // the course's link was followed
      sendFeedback({ type: "course_click", turn_id: entry.turnId, course_id: course.id });
    });
  }
  var userNodes = {};
  function userMessage(entry) {
    var node = el("div", { className: "message user", part: "message user-message", "data-id": entry.id }, [
      el("span", { className: "visually-hidden", text: "You said: " }), el("span", { className: "user-text", text: entry.text })]);
    userNodes[entry.id] = node;
    return node;
  }
  function markQueued(node, queued) {
    var note = node.querySelector(".note");
    node.classList.toggle("queued", queued);
    if (queued && !note) node.appendChild(el("span", { className: "note", text: "Not sent yet: waiting for the connection" }));
    if (!queued && note) note.remove();
  }
  function noticeMessage(entry) {
    var node = el("div", { className: "message notice", part: "message notice", role: "alert" }, [
      el("p", { className: "text", text: entry.text })]);
    if (entry.retry) {
      var preview = entry.retry.length > 40 ? entry.retry.slice(0, 40) + "…" : entry.retry;
      node.appendChild(chipRow([{ label: "Send again: “" + preview + "”", text: entry.retry }], "chips", "Retry"));
    }
    return node;
  }
  function render(entry) {
    if (entry.role === "user") return userMessage(entry);
    if (entry.role === "notice") return noticeMessage(entry);
    return botMessage(entry);
  }
  function show(entry, keep) {
    var node = render(entry);
    log.appendChild(node);
    if (node.classList.contains("results")) retireOlderButtons(node);
    if (keep !== false) {
      state.transcript.push(entry);
      saveState();
    }
    bringIntoView(node);
    return node;
  }
  function bringIntoView(node) {
    if (node && node.classList.contains("bot") && node.offsetHeight > log.clientHeight - 24) {
      log.scrollTop = node.offsetTop - 8;
    } else {
      log.scrollTop = log.scrollHeight;
    }
  }
  // Chips act on the latest results: off under older ones.
  function retireOlderButtons(latest) {
    Array.prototype.forEach.call(log.querySelectorAll(".message.bot.results"), function (bubble) {
      if (bubble === latest) return;
      Array.prototype.forEach.call(bubble.querySelectorAll(".chips button, .filters button"), function (button) {
        if (button.disabled) return;
        button.disabled = true;
        button.title = "For earlier results: ask again to use it";
      });
    });
  }
  var transientNotice = null;
  function showTransient(text) {
    if (transientNotice) transientNotice.remove();
    transientNotice = text ? show({ role: "notice", text: text }, false) : null;
  }

  // --- the connection
  var socket = null;
  var ready = false;
  var attempts = 0;
  var retryTimer = 0;
  var inflight = {};
  var quietTimer = 0, pongTimer = 0, pings = 0;
  var refused = false;
  var blockedSignals = 0;     // failed sockets while HTTP answered
  var posting = null;
  var conversation = 0;
  var STATES = {
    idle: "Not connected",
    connecting: "Connecting…",
    online: "Online",
    offline: "Offline: retrying…",
    refused: "Connection refused"
  };

  function setStatus(kind, text) {
    status.setAttribute("data-state", kind);
    status.textContent = text || STATES[kind];
    host.setAttribute("data-state", kind);
  }
  function wanted() { return !panel.hidden || state.outbox.length > 0; }
  function updateTyping() {
    typing.hidden = !Object.keys(inflight).length;
    state.outbox.forEach(function (item) {
      var node = userNodes[item.id];
      if (node) markQueued(node, !inflight[item.id]);
    });
  }

  function connect() {
    if (state.transport === "http") { useHttp(); return; }
    if (socket || !wanted() || (refused && panel.hidden)) return;
    clearTimeout(retryTimer);
    retryTimer = 0;
    setStatus("connecting");
    // The session id goes in the first frame (a hello), never the URL: URLs land in access logs.
    var url = SOCKET_URL;
    var ws;
    try {
      ws = new WebSocket(url);
    } catch (error) {
      console.error(NAME, "cannot open " + url + ": " + error.message);
      setStatus("refused");
      return;
    }
    socket = ws;
    ws.opened = false;
    ws.helloSent = false;
    ws.onopen = function () {
      ws.opened = true;
      // Always a hello first: it resumes our session, or (without one) gets the welcome at once.
      ws.helloSent = true;
      ws.send(JSON.stringify(state.sessionId ? { type: "hello", id: "resume", session_id: state.sessionId }
                                             : { type: "hello", id: "resume" }));
    };
    setTimeout(function () { if (ws === socket && !ws.opened) lost(ws); }, CONNECT_MS);
    ws.onmessage = function (event) { if (ws === socket) receive(ws, event.data); };
    ws.onclose = function () { if (ws === socket) lost(ws); };
  }
  function lost(ws) {
    socket = null;
    ready = false;
    inflight = {};
    clearTimeout(quietTimer);
    clearTimeout(pongTimer);
    try { ws.close(); } catch (e) { /* already closed */ }
    updateTyping();
    if (navigator.onLine === false) setStatus("offline", "Offline: will retry when you're back online");
    else if (!ws.opened) diagnose();
    else setStatus("offline");
    retry();
  }
  function retry() {
    if (!wanted() || (refused && panel.hidden)) { setStatus(refused ? "refused" : "idle"); return; }
    var delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * Math.pow(2, attempts)) * (0.8 + Math.random() * 0.4);
    attempts += 1;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(connect, delay);
  }
  function retryNow() {
    if (socket) { checkAlive(); return; }
    attempts = 0;
    connect();
  }
  // The socket never opened: refused origin, blocked websocket or server down (docs/WIDGET.md).
  var refusalShown = false;
  function diagnose() {
    if (refused) setStatus("refused");
    else setStatus("offline", "Can't reach the assistant: retrying…");
    if (typeof fetch !== "function") return;
    fetch(ORIGIN + "/api/chat", { method: "POST", credentials: "omit", cache: "no-store",
                                  headers: { "Content-Type": "text/plain" }, body: "{}" })
      .then(function () {
        blockedSignals += 1;
        if (blockedSignals >= 2 && !ready && !socket) websocketBlocked();   // twice: not a restart
      }, function () {
        return fetch(ORIGIN + "/widget.css", { credentials: "omit", cache: "no-store" }).then(function (response) {
          if (response.ok && !ready) originRefused();
        });
      }).catch(function () { /* the server is down: keep saying "retrying" */ });
  }
  function originRefused() {
    refused = true;
    setStatus("refused");
    if (panel.hidden) { clearTimeout(retryTimer); retryTimer = 0; }
    if (refusalShown) return;
    refusalShown = true;
    console.error(NAME, "the server at " + ORIGIN + " refused the chat connection from " + location.origin +
                  ". Add this origin to the server's allowed_origins setting (COURSE_ASSISTANT_ALLOWED_ORIGINS).");
    showTransient("Sorry, the Course Assistant can't connect from this website: the assistant's server " +
                  "doesn't allow this site. Please try again later.");
  }
  var socketForbidden = false;
  document.addEventListener("securitypolicyviolation", function (event) {
    if (String(event.blockedURI).indexOf(SOCKET_URL) !== 0) return;
    socketForbidden = true;
    if (socket && !socket.opened) lost(socket);   // chromium leaves it "connecting"
  });
  function websocketBlocked() {
    console.warn(NAME, "the websocket to " + SOCKET_URL + " fails although " + ORIGIN + " answers HTTP: " +
                 (socketForbidden ? "this page's Content-Security-Policy blocks it; add " + SOCKET_URL.replace(/\/ws$/, "") +
                                    " to its connect-src directive."
                                  : "a proxy in between probably drops the Upgrade header (docs/SERVING.md shows a " +
                                    "working nginx setup).") + " Chatting over HTTP (POST /api/chat) instead.");
    state.transport = "http";
    saveState();
    useHttp();
  }
  function useHttp() {
    clearTimeout(retryTimer);
    retryTimer = 0;
    attempts = 0;
    host.setAttribute("data-transport", "http");
    if (!ready) {
      ready = true;
      setStatus("online", "Online");
      showTransient(null);
    }
    if (!state.greeted) {
      state.greeted = true;
      show({ role: "bot", greeting: true, reply: { intent: "greet", suggestions: [],
             text: config.greeting || "Hi! Ask me about online courses: a subject, a level, or two courses to compare." } });
    }
    flush();
  }
  function postNext() {
    if (posting || !ready || !state.outbox.length) return;
    var item = state.outbox[0], round = conversation;
    var body = { message: item.text };
    if (state.sessionId) body.session_id = state.sessionId;
    posting = item.id;
    inflight[item.id] = true;
    updateTyping();
    fetch(ORIGIN + "/api/chat", { method: "POST", credentials: "omit", headers: { "Content-Type": "application/json" },
                                  body: JSON.stringify(body) }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answerBody) {
        if (round !== conversation) return;
        posting = null;
        if (answerBody && answerBody.reply) {
          answer({ in_reply_to: item.id, session_id: answerBody.session_id, reply: answerBody.reply });
        } else {
          var error = (answerBody && answerBody.error) || {};
          trouble({ in_reply_to: item.id, code: error.code || "http_" + response.status, message: error.message || "" });
        }
        updateTyping();
        saveState();
        postNext();
      });
    }, function () {   // no answer: keep it queued
      if (round !== conversation) return;
      posting = null;
      delete inflight[item.id];
      ready = false;
      updateTyping();
      setStatus("offline");
      retry();
    });
  }

  function send(text) {
    text = String(text == null ? "" : text).trim();
    if (!text) return false;
    var id = "m" + (++state.seq);
    state.outbox.push({ id: id, text: text });
    show({ role: "user", id: id, text: text });
    flush();
    if (!socket) { clearTimeout(retryTimer); connect(); }
    updateTyping();
    return true;
  }
  function flush() {
    if (ready && state.transport === "http") { postNext(); return; }
    if (!ready || !socket || socket.readyState !== 1) return;
    state.outbox.forEach(function (item) {
      if (inflight[item.id]) return;
      inflight[item.id] = true;
      socket.send(JSON.stringify({ type: "message", id: item.id, text: item.text }));
    });
    updateTyping();
    watch();
  }
  function takeFromOutbox(id) {
    for (var i = 0; i < state.outbox.length; i++) {
      if (state.outbox[i].id === id) {
        delete inflight[id];
        return state.outbox.splice(i, 1)[0];
      }
    }
    return null;
  }

  function receive(ws, data) {
    var frame;
    try { frame = JSON.parse(data); } catch (e) { console.warn(NAME, "ignored a frame that is not JSON"); return; }
    if (!frame || typeof frame !== "object") return;
    heard();
    if (frame.type === "welcome") welcome(ws, frame);
    else if (frame.type === "reply") answer(frame);
    else if (frame.type === "error") trouble(frame);
    updateTyping();
    saveState();
  }
  function welcome(ws, frame) {
    var sessionId = typeof frame.session_id === "string" ? frame.session_id : null;
    // The welcome a server sends before it read our hello (an older server, or a slow link): the
    // hello's own welcome (in_reply_to "resume") follows.
    if (ws.helloSent && frame.in_reply_to !== "resume" && sessionId !== state.sessionId) return;
    if (state.sessionId && sessionId !== state.sessionId && !ws.helloSent && typeof frame.resumed !== "boolean") {
      // Hello only to a server that ignored the URL's session (no `resumed`).
      ws.helloSent = true;
      ws.send(JSON.stringify({ type: "hello", session_id: state.sessionId }));
      return;
    }
    var continued = sessionId !== null && sessionId === state.sessionId;
    var hadConversation = state.transcript.some(function (entry) { return entry.role === "user"; });
    state.sessionId = sessionId;
    ready = true;
    attempts = 0;
    blockedSignals = 0;
    setStatus("online");
    showTransient(null);
    if (!continued) {
      if (!state.greeted) {
        state.greeted = true;
        var greeting = Object.assign({}, frame.reply || {});
        if (config.greeting) greeting.text = config.greeting;
        show({ role: "bot", reply: greeting, greeting: true });
      } else if (hadConversation) {
        show({ role: "notice", text: "The conversation restarted on the assistant's side, so it no longer " +
                                     "remembers earlier answers (\"the first one\"). Your history is still here." });
      }
    }
    flush();
  }
  function answer(frame) {
    var id = frame.in_reply_to;
    var item = takeFromOutbox(id);
    if (!item && id != null && state.answered.indexOf(id) >= 0) return;
    if (id != null) state.answered.push(id);
    if (typeof frame.session_id === "string") state.sessionId = frame.session_id;
    var entry = { role: "bot", reply: frame.reply || {}, inReplyTo: id,
                  turnId: typeof frame.turn_id === "string" ? frame.turn_id : null };
    var users = state.transcript.filter(function (e) { return e.role === "user"; });
    if (item && users.length && users[users.length - 1].id !== id) entry.quote = item.text;
    show(entry);
    if (panel.hidden) {
      state.unread = (state.unread || 0) + 1;
      saveState();
      updateUnread();
    }
    watch();
  }
  var FRIENDLY = {
    rate_limited: "You're sending messages faster than I can answer. Wait a few seconds, then send it again.",
    too_many_connections: "The assistant is very busy right now. I'll keep trying to connect.",
    text_too_long: "That message is too long for me. Could you shorten it?"
  };
  function trouble(frame) {
    var item = frame.in_reply_to != null ? takeFromOutbox(frame.in_reply_to) : null;
    var text = FRIENDLY[frame.code] || ("Sorry, something went wrong" + (frame.message ? ": " + frame.message : "."));
    var canRetry = item && frame.code !== "text_too_long" && frame.code !== "missing_text";
    if (frame.code === "too_many_connections") showTransient(text);
    else show({ role: "notice", text: text, retry: canRetry ? item.text : null });
    console.warn(NAME, "the server answered with error " + frame.code + ": " + frame.message);
  }

  // Silent sockets (sleeping laptops, dead proxies): ping, and drop them without a pong.
  function heard() {
    clearTimeout(pongTimer);
    pongTimer = 0;
  }
  function watch() {
    clearTimeout(quietTimer);
    if (Object.keys(inflight).length) quietTimer = setTimeout(checkAlive, QUIET_MS);
  }
  function checkAlive() {
    var ws = socket;
    if (!ws || ws.readyState !== 1 || pongTimer) return;
    ws.send(JSON.stringify({ type: "ping", id: "p" + (++pings) }));
    pongTimer = setTimeout(function () {
      pongTimer = 0;
      if (ws === socket) {
        console.warn(NAME, "the connection went silent; reconnecting.");
        lost(ws);
      }
    }, PONG_MS);
  }

  // --- opening, closing, keys, phones
  function open(focus) {
    if (panel.hidden) {
      panel.hidden = false;
      host.setAttribute("data-open", "");
      launcher.setAttribute("aria-expanded", "true");
      state.open = true;
      state.unread = 0;
      saveState();
      updateUnread();
      fitViewport();
      markModal();
      if (refused) { refused = false; attempts = 0; }
      if (!socket) retryNow();
      bringIntoView(log.lastElementChild);
    }
    if (focus !== false) input.focus();
  }
  function close(refocus) {
    if (panel.hidden) return;
    panel.hidden = true;
    host.removeAttribute("data-open");
    launcher.setAttribute("aria-expanded", "false");
    state.open = false;
    saveState();
    if (refocus !== false) launcher.focus();
  }
  function updateUnread() {
    var count = state.unread || 0;
    unreadBadge.hidden = !count;
    unreadBadge.textContent = count > 9 ? "9+" : String(count);
    launcher.setAttribute("aria-label", launcherLabel +
      (count ? ": " + count + (count === 1 ? " new reply" : " new replies") : ""));
  }
  function newConversation() {
    conversation += 1;
    var old = socket;
    socket = null;
    ready = false;
    inflight = {};
    posting = null;
    if (old) { try { old.close(); } catch (e) { /* already closed */ } }
    clearTimeout(retryTimer); clearTimeout(quietTimer); clearTimeout(pongTimer);
    retryTimer = pongTimer = 0;
    Object.assign(state, { sessionId: null, transcript: [], outbox: [], answered: [], greeted: false, unread: 0 });
    saveState();
    log.textContent = "";
    userNodes = {};
    transientNotice = null;
    updateTyping();
    updateUnread();
    attempts = 0;
    connect();
    input.focus();
  }
  // Under 480 px the panel is full screen and modal.
  function fullScreen() { return !!(window.matchMedia && window.matchMedia("(max-width: 480px)").matches); }
  function markModal() {
    if (fullScreen()) panel.setAttribute("aria-modal", "true");
    else panel.removeAttribute("aria-modal");
  }
  function keepFocusInside(event) {
    var items = Array.prototype.filter.call(panel.querySelectorAll("button, input, a[href], [tabindex='0']"),
      function (node) { return !node.disabled && node.getClientRects().length > 0; });
    if (!items.length) return;
    var first = items[0], last = items[items.length - 1], current = root.activeElement;
    if (event.shiftKey && (current === first || !panel.contains(current))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (current === last || !panel.contains(current))) {
      event.preventDefault();
      first.focus();
    }
  }
  launcher.addEventListener("click", function () { open(); });
  closeButton.addEventListener("click", function () { close(); });
  restartButton.addEventListener("click", newConversation);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !event.isComposing) {
      event.preventDefault();
      close();
    } else if (event.key === "Tab" && fullScreen()) {
      keepFocusInside(event);
    }
  });
  if (window.matchMedia) {
    var phoneQuery = window.matchMedia("(max-width: 480px)");
    if (phoneQuery.addEventListener) phoneQuery.addEventListener("change", markModal);
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (send(input.value)) input.value = "";
    input.focus();
  });
  // Phones: follow the visual viewport, input above the keyboard.
  function fitViewport() {
    var viewport = window.visualViewport;
    if (!viewport) return;
    host.style.setProperty("--ca-viewport-height", Math.round(viewport.height) + "px");
    host.style.setProperty("--ca-viewport-top", Math.round(viewport.offsetTop) + "px");
  }
  if (window.visualViewport) {
    window.visualViewport.addEventListener("resize", fitViewport);
    window.visualViewport.addEventListener("scroll", fitViewport);
  }
  window.addEventListener("online", retryNow);
  window.addEventListener("offline", function () { if (!ready) setStatus("offline", "Offline: will retry when you're back online"); });
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") retryNow(); });
  window.addEventListener("pageshow", function (event) { if (event.persisted) retryNow(); });

  // --- start
  function start() {
    if (!host.isConnected) document.body.appendChild(host);
    loadStyles();
    state.transcript.forEach(function (entry) { show(entry, false); });
    updateTyping();
    updateUnread();
    if (state.open) open(false);
    else if (state.outbox.length) connect();
  }
  window.CourseAssistant = Object.freeze({
    open: function () { open(); },
    close: close,
    send: function (text) {
      open();
      return send(text);
    }
  });
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
