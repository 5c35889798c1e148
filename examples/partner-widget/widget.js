/*
 * xtdpublish partner widget: shows the newest items of a JSON Feed (feed.json).
 *
 * Usage, anywhere in a page:
 *   <div data-xtd-feed="https://example.org/feed.json" data-xtd-limit="5"></div>
 *   <script src="widget.js" defer></script>
 *
 * No dependency. Every piece of the feed is shown as text (textContent), never as
 * HTML, and only http(s) links are made clickable: a feed you do not control cannot
 * run script in your page.
 */
(function () {
  "use strict";

  var DEFAULT_LIMIT = 5;

  function safeHttpUrl(value, base) {
    if (typeof value !== "string" || value === "") return null;
    try {
      var url = new URL(value, base);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  function text(value) {
    return typeof value === "string" ? value : "";
  }

  function itemDate(item) {
    var value = text(item.date_published) || text(item.date_modified);
    var date = value ? new Date(value) : null;
    return date && !isNaN(date.getTime()) ? date : null;
  }

  function newest(items, limit) {
    var dated = items
      .filter(function (item) { return item && typeof item === "object"; })
      .map(function (item, index) { return { item: item, date: itemDate(item), index: index }; });
    dated.sort(function (a, b) {
      var ta = a.date ? a.date.getTime() : -Infinity;
      var tb = b.date ? b.date.getTime() : -Infinity;
      return tb - ta || a.index - b.index; // newest first; the feed's order breaks ties
    });
    return dated.slice(0, limit);
  }

  function element(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content) node.textContent = content;
    return node;
  }

  function renderItem(entry, feedUrl, language) {
    var item = entry.item;
    var li = element("li", "xtd-item");
    var title = text(item.title) || text(item.summary).slice(0, 80) || "(untitled)";
    var href = safeHttpUrl(item.url, feedUrl) || safeHttpUrl(item.external_url, feedUrl);
    var heading = element(href ? "a" : "span", "xtd-title", title);
    if (href) {
      heading.href = href;
      heading.rel = "noopener";
    }
    li.appendChild(heading);
    if (entry.date) {
      var time = element("time", "xtd-date",
        entry.date.toLocaleDateString(language || undefined,
          { year: "numeric", month: "long", day: "numeric" }));
      time.dateTime = entry.date.toISOString();
      li.appendChild(time);
    }
    var summary = text(item.summary) || text(item.content_text);
    if (summary) {
      if (summary.length > 300) summary = summary.slice(0, 297) + "…";
      li.appendChild(element("p", "xtd-summary", summary));
    }
    return li;
  }

  function show(container, feed, feedUrl, limit) {
    var items = Array.isArray(feed.items) ? feed.items : [];
    var list = element("ol", "xtd-items");
    newest(items, limit).forEach(function (entry) {
      list.appendChild(renderItem(entry, feedUrl, text(feed.language)));
    });
    container.textContent = "";
    var home = safeHttpUrl(feed.home_page_url, feedUrl);
    if (text(feed.title)) {
      var header = element("p", "xtd-feed-title");
      var name = element(home ? "a" : "span", null, text(feed.title));
      if (home) name.href = home;
      header.appendChild(name);
      container.appendChild(header);
    }
    container.appendChild(list);
    container.setAttribute("data-xtd-state", "ready");
  }

  function fail(container, message) {
    container.textContent = message;
    container.setAttribute("data-xtd-state", "error");
  }

  function load(container) {
    var feedUrl = new URL(container.getAttribute("data-xtd-feed") || "feed.json",
      document.baseURI).href;
    var limit = parseInt(container.getAttribute("data-xtd-limit"), 10);
    if (!(limit > 0)) limit = DEFAULT_LIMIT;
    container.setAttribute("data-xtd-state", "loading");
    return fetch(feedUrl, { headers: { Accept: "application/feed+json, application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (feed) { show(container, feed, feedUrl, limit); })
      .catch(function (error) { fail(container, "Could not load the feed (" + error.message + ")."); });
  }

  function start() {
    var containers = document.querySelectorAll("[data-xtd-feed]");
    Array.prototype.forEach.call(containers, load);
  }

  window.xtdFeedWidget = { load: load };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
