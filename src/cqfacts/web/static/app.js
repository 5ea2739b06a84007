// cqfacts' page: one state per URL (?q=, ?id=, ?pillar=, ?pillars=1, ?rank=, &lang=),
// every text put in with textContent (never innerHTML), no outside resource. Every
// answer is asked for with &lang=, and its facts' `shown` texts are drawn: figures,
// changes and places in that language alone, as the library renders them.
"use strict";

const TEXT = {
  zh: {
    subtitle: "重庆科技数字：逐年可查，条条有出处",
    search: "搜索",
    placeholder: "高新技术企业、gxjsqy、technology brokers、7565 …",
    hint: "中文、拼音、首字母、英文、繁体或数字；Enter 打开第一条，Esc 清空。",
    pillars: "分项浏览",
    byChange: "增速排行",
    byValue: "规模排行（亿元）",
    title: "cqfacts · 重庆科技数据",
    searching: "正在搜索…",
    none: "没有找到与之相关的数字。",
    found: (n) => `找到 ${n} 条`,
    citation: "引用",
    copy: "复制引用",
    copied: "已复制",
    copyFailed: "无法复制，请手动选择",
    change: "变化",
    where: "位置",
    topic: "主题",
    note: "说明",
    previous: "推算上年",
    status: "状态",
    name: "原文",
    facts: (n) => `${n} 条`,
    overview: "总体情况",
    rankChange: "按增速排列",
    rankValue: (unit) => `按规模排列（${unit}）`,
    converted: "（已换算）",
    offline: "无法连接服务器。",
    // The server's messages are English: the Chinese page says what failed in Chinese.
    failed: {
      fact: (id) => `没有找到“${id}”对应的数据，可以试试搜索。`,
      pillar: (n) => `没有第“${n}”部分。`,
      search: "无法完成这次搜索，请换个说法。",
      rank: "无法生成这个排行。",
      server: "服务器出错了，请稍后再试。",
    },
    searchFor: (q) => `搜索“${q}”`,
    source: "数据来自",
    other: "English",
    series: "历年数据",
    year: "年份",
    figureCol: "数字",
    basis: "口径",
    sourceCol: "来源",
    bases: { final: "统计数", preliminary: "初步数", estimated: "预计数" },
    draft: "草稿",
    kinds: { policy: "政策", event: "事件", achievement: "成果", platform: "平台", programme: "计划" },
    chartLabel: (unit) => `历年数值（${unit}），每个点是一个来源`,
  },
  en: {
    subtitle: "Chongqing's science-and-technology figures, year by year, each cited",
    search: "Search",
    placeholder: "high-tech enterprises, gxjsqy, 技术经纪人, 7565 …",
    hint: "Chinese, pinyin, initials, English, traditional or a number; Enter opens the first result, Esc clears.",
    pillars: "Browse by part",
    byChange: "Fastest growth",
    byValue: "Largest amounts (CNY)",
    title: "cqfacts · Chongqing science and technology figures",
    searching: "Searching…",
    none: "No figure matches.",
    found: (n) => `${n} found`,
    citation: "Citation",
    copy: "Copy citation",
    copied: "Copied",
    copyFailed: "Could not copy; select the text",
    change: "Change",
    where: "Where",
    topic: "Topic",
    note: "Note",
    previous: "Previous year (derived)",
    status: "Status",
    name: "In the report",
    facts: (n) => `${n} facts`,
    overview: "Overview",
    rankChange: "By growth rate",
    rankValue: (unit) => (["亿元", "万元", "元"].includes(unit) ? "By size (CNY, converted)" : "By size"),
    converted: " (converted)",
    offline: "Cannot reach the server.",
    failed: null, // the server's own message, in English
    searchFor: (q) => `Search for “${q}”`,
    source: "Source",
    other: "中文",
    series: "Year by year",
    year: "Year",
    figureCol: "Figure",
    basis: "Basis",
    sourceCol: "Source",
    bases: { final: "final", preliminary: "preliminary", estimated: "estimated" },
    draft: "DRAFT",
    kinds: { policy: "policy", event: "event", achievement: "achievement", platform: "platform", programme: "programme" },
    chartLabel: (unit) => `Values by year${unit ? ` (${unit})` : ""}, a dot per source`,
  },
};

const $ = (id) => document.getElementById(id);
const state = { q: "", id: "", pillar: "", pillars: "", rank: "", unit: "", lang: "zh" };
let pillarsCache = null;
let searchTimer = 0;
let searchSeq = 0;
let firstResult = null;

function t(key, ...args) {
  const value = TEXT[state.lang][key];
  return typeof value === "function" ? value(...args) : value;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function readUrl() {
  const params = new URLSearchParams(location.search);
  for (const key of Object.keys(state)) state[key] = params.get(key) || "";
  if (state.lang !== "en") state.lang = "zh";
}

function urlOf(next) {
  const params = new URLSearchParams();
  for (const key of ["q", "id", "pillar", "pillars", "rank", "unit"]) {
    if (next[key]) params.set(key, next[key]);
  }
  if (next.lang === "en") params.set("lang", "en");
  const query = params.toString();
  return query ? `/?${query}` : "/";
}

// Typing replaces the current entry; opening a fact or a part adds one, so Back returns.
function go(changes, push) {
  const next = { q: "", id: "", pillar: "", pillars: "", rank: "", unit: "", lang: state.lang, ...changes };
  Object.assign(state, next);
  const url = urlOf(state);
  if (push) history.pushState(null, "", url);
  else history.replaceState(null, "", url);
  render();
}

// Every answer in the page's language: `lang` adds each fact's `shown` texts.
async function getJson(path, withLang = true) {
  const url = withLang ? `${path}${path.includes("?") ? "&" : "?"}lang=${state.lang}` : path;
  let response;
  try {
    response = await fetch(url, { headers: { Accept: "application/json" } });
  } catch {
    throw Object.assign(new Error(t("offline")), { offline: true });
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw Object.assign(new Error(body && body.error ? body.error : response.statusText),
      { status: response.status });
  }
  return body;
}

// The server's message as a sentence on the page, less the command line's hint
// ("Search: cqfacts search …"), for which the page has its own link.
function sentence(message) {
  const text = message.replace(/\.?\s*Search: cqfacts search .*$/, "").trim();
  if (!text) return message;
  return text[0].toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? "" : ".");
}

// An error in the page's language: the server's (English) message on the English
// page; on the Chinese page, what failed, said in Chinese.
function failure(error, what, ...args) {
  if (error.offline) return t("offline");
  const words = TEXT[state.lang].failed;
  if (!words) return sentence(error.message);
  if (error.status >= 500 || !words[what]) return words.server;
  return typeof words[what] === "function" ? words[what](...args) : words[what];
}

function setStatus(text, isError) {
  const status = $("status");
  status.textContent = text || "";
  status.classList.toggle("error", Boolean(isError));
}

function label(fact) {
  return fact.shown ? fact.shown.label : state.lang === "en" ? fact.label_en : fact.label;
}

function topicOf(fact) {
  return fact.shown ? fact.shown.topic : state.lang === "en" ? fact.topic_en : fact.topic;
}

// The section's title from the pillars (loaded once), "" where it is not known or
// the fact's source has no parts (a press item, a statistics release).
function sectionName(section) {
  if (!section) return "";
  const pillarNumber = Number(section.split(".")[0]);
  const found = (pillarsCache || []).find((p) => p.pillar === pillarNumber);
  const entry = found && found.sections.find((s) => s.section === section);
  if (!entry) return "";
  return state.lang === "en" ? entry.title_en || entry.title : entry.title;
}

// The year a card's figure describes, and since when the loaded sources give it.
function yearsOf(fact) {
  const years = fact.years || [];
  return years.length > 1 ? `${fact.year} (${years[0]}–)` : String(fact.year ?? "");
}

function sectionTitle(section) {
  if (!section) return "";
  return `${section} ${sectionName(section)}`.trim();
}

// The figure in the page's language ("" for a name: an event's, a policy's title).
function figure(fact) {
  return (fact.shown && fact.shown.figure) || "";
}

// The report's own words where no figure is shown: a policy's title, an event. On the
// English page only a policy's title (the name a reader searches for), as the CLI does.
function nameOf(fact) {
  const name = fact.shown && fact.shown.name;
  if (!name || name === label(fact)) return ""; // the heading says it already
  return state.lang === "en" && fact.kind !== "policy" ? "" : name;
}

function factLink(fact) {
  const link = el("a", "fact-link");
  link.href = urlOf({ id: fact.id, lang: state.lang });
  link.addEventListener("click", (event) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    go({ id: fact.id }, true);
  });
  return link;
}

function factCard(fact) {
  const item = el("li", "card");
  const link = factLink(fact);
  const shown = figure(fact);
  const change = fact.shown && fact.shown.change;
  const figureKind = fact.kind === "figure" || fact.kind === "rank";
  if (shown || figureKind) {
    // A change alone (增长34.4%) is the figure the report gives: shown where one goes.
    link.append(el("span", "figure", shown || change || ""));
  } else {
    // A name is no figure: the column says what the fact is (a policy · issued), as the
    // CLI's tables do, and the name goes under the label.
    const what = [t("kinds")[fact.kind] || fact.kind, fact.shown && fact.shown.status];
    link.append(el("span", "figure kind", what.filter(Boolean).join(" · ")));
  }
  const title = el("span", "label");
  // A drafted fact no curator has checked says so before its label.
  if (fact.draft) title.append(el("span", "draft", t("draft")));
  title.append(label(fact));
  link.append(title);
  const name = nameOf(fact);
  if (name) link.append(el("span", "name", name));
  if (change && (shown || !figureKind)) link.append(el("span", "change", change));
  const meta = el("span", "meta");
  meta.append(el("span", "topic", topicOf(fact)), el("span", "section", sectionTitle(fact.section)),
    el("span", "year", yearsOf(fact)), el("code", "id", fact.id));
  link.append(meta);
  item.append(link);
  return item;
}

function showFacts(facts) {
  const view = $("view");
  const list = el("ol", "cards");
  for (const fact of facts) list.append(factCard(fact));
  view.replaceChildren(list);
  const first = list.querySelector("a");
  firstResult = first ? first : null;
}

// --- views ---------------------------------------------------------------------

function scheduleSearch() {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(runSearch, 120);
}

async function runSearch() {
  const query = state.q;
  const seq = ++searchSeq;
  firstResult = null;
  if (!query.trim()) {
    showHome();
    return;
  }
  setStatus(t("searching"));
  try {
    const results = await getJson(`/api/search?${new URLSearchParams({ q: query, limit: "20" })}`);
    if (seq !== searchSeq) return; // a later keystroke has its own answer coming
    setStatus(results.length ? t("found", results.length) : t("none"));
    showFacts(results);
  } catch (error) {
    if (seq !== searchSeq) return;
    $("view").replaceChildren();
    setStatus(failure(error, "search"), true);
  }
}

function row(list, name, value) {
  if (value === null || value === undefined || value === "") return;
  list.append(el("dt", null, name), el("dd", null, value));
}

async function showFact(id) {
  setStatus("");
  try {
    const fact = await getJson(`/api/facts/${encodeURIComponent(id)}`);
    const shown = fact.shown;
    const article = el("article", "fact");
    // Only a figure is drawn large (or a change the report gives alone, 增长34.4%); an
    // event's or a policy's name is a line of text.
    const changeAlone = !figure(fact) && ["figure", "rank"].includes(fact.kind) && shown.change;
    const big = figure(fact) || (changeAlone ? shown.change : "");
    if (big) article.append(el("p", "figure big", big));
    const heading = el("h2", "label");
    if (fact.draft) heading.append(el("span", "draft", t("draft")));
    heading.append(label(fact));
    article.append(heading);
    const details = el("dl", "details");
    row(details, t("name"), nameOf(fact));
    if (!changeAlone) row(details, t("change"), shown.change);
    row(details, t("status"), shown.status);
    // The overview is named by its title alone (总体情况, not 总体情况 总体情况).
    const part = fact.pillar === 0 && sectionName(fact.section) ? "" : shown.where || "";
    row(details, t("where"), `${part} ${sectionName(fact.section)}`.trim());
    row(details, t("topic"), topicOf(fact));
    row(details, t("note"), fact.note);
    row(details, t("previous"), shown.previous);
    row(details, "id", fact.id);
    article.append(details);
    if (fact.series && fact.series.length > 1) {
      const points = await getJson(`/api/trend?q=${encodeURIComponent(fact.id)}`);
      article.append(seriesSection(points));
    }

    const citation = state.lang === "en" ? fact.citation_en : fact.citation;
    const box = el("figure", "citation");
    const caption = el("figcaption", null, t("citation"));
    const quote = el("blockquote", null, citation);
    quote.id = "citation";
    const button = el("button", "copy", t("copy"));
    button.type = "button";
    button.id = "copy";
    button.addEventListener("click", () => copy(citation, button));
    box.append(caption, quote, button);
    article.append(box);
    $("view").replaceChildren(article);
    document.title = `${label(fact)} · cqfacts`;
  } catch (error) {
    const view = $("view");
    view.replaceChildren();
    setStatus(failure(error, "fact", id), true);
    if (error.status === 404) {
      // Not an id, nor a clear query: the search shows the candidates.
      const link = el("a", "search-instead", t("searchFor", id));
      link.href = urlOf({ q: id, lang: state.lang });
      link.addEventListener("click", (event) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        go({ q: id }, true);
      });
      view.append(link);
    }
  }
}

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attributes) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}

// An indicator's points as an inline SVG: a dot per source per year, a line through
// each year's firmest point (the first of its year), flagged points ringed in red.
function seriesChart(points) {
  const drawn = points.filter((p) => p.value !== null);
  const unit = drawn.length ? drawn[0].shown.unit : "";
  const years = drawn.map((p) => p.year);
  const values = drawn.map((p) => p.value);
  const [x0, x1] = [Math.min(...years), Math.max(...years)];
  const top = Math.max(...values) * 1.1 || 1;
  const width = 640, height = 260, left = 56, right = 16, topPad = 16, bottom = 32;
  const x = (year) => left + (x1 === x0 ? 0.5 : (year - x0) / (x1 - x0)) * (width - left - right);
  const y = (value) => topPad + (1 - value / top) * (height - topPad - bottom);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart" });
  const title = svg("title", {});
  title.textContent = t("chartLabel", unit);
  chart.append(title);
  chart.append(svg("line", { x1: left, y1: y(0), x2: width - right, y2: y(0), class: "axis" }));
  for (const fraction of [0.5, 1]) {
    const value = (top / 1.1) * fraction;
    const tick = svg("text", { x: left - 6, y: y(value) + 4, "text-anchor": "end", class: "tick" });
    tick.textContent = Number(value.toPrecision(3)).toLocaleString();
    chart.append(tick, svg("line", { x1: left, y1: y(value), x2: width - right, y2: y(value), class: "grid" }));
  }
  const seen = new Set();
  const firm = drawn.filter((p) => !seen.has(p.year) && seen.add(p.year));
  chart.append(svg("polyline", { points: firm.map((p) => `${x(p.year)},${y(p.value)}`).join(" "), class: "trend" }));
  for (const year of new Set(years)) {
    const label = svg("text", { x: x(year), y: height - 10, "text-anchor": "middle", class: "tick" });
    label.textContent = String(year);
    chart.append(label);
  }
  for (const point of drawn) {
    const flagged = point.flags.length > 0 || point.disagrees;
    const dot = svg("circle", { cx: x(point.year), cy: y(point.value), r: flagged ? 6 : 4,
      class: `dot ${point.fact.basis || ""}${flagged ? " flagged" : ""}` });
    const tip = svg("title", {});
    tip.textContent = `${point.year}: ${figure(point.fact) || point.shown.value} (${pointSource(point.fact)})`;
    dot.append(tip);
    chart.append(dot);
  }
  return chart;
}

function pointSource(fact) {
  const source = fact.source || {};
  return [source.publisher || source.title, source.published].filter(Boolean).join(" ");
}

function seriesSection(points) {
  const section = el("section", "series");
  section.append(el("h3", null, t("series")));
  const drawn = points.find((p) => p.value !== null);
  if (drawn) {
    // The unit said under the heading: the axis's numbers are in it (亿元, CNY 100 million).
    section.append(el("p", "chart-caption", t("chartLabel", drawn.shown.unit)), seriesChart(points));
  }
  const table = el("table", "points");
  const head = el("tr");
  for (const name of ["year", "figureCol", "basis", "sourceCol"]) head.append(el("th", null, t(name)));
  table.append(head);
  for (const point of points) {
    const fact = point.fact;
    const line = el("tr", point.flags.length ? "flagged" : null);
    const basis = fact.draft ? t("draft") : (t("bases")[fact.basis] || "");
    const cell = el("td");
    const source = fact.source || {};
    if (source.url) {
      const link = el("a", null, pointSource(fact) || source.url);
      link.href = source.url;
      link.rel = "noopener noreferrer";
      cell.append(link);
    } else {
      cell.textContent = pointSource(fact);
    }
    for (const flag of point.flags) {
      cell.append(el("div", "flag", `⚠ ${state.lang === "en" ? flag.text_en : flag.text}`));
    }
    // A change alone (增长34.4%) says it is one: beside 7565家 it would read as a level.
    const colon = state.lang === "en" ? ": " : "：";
    const change = fact.shown.change;
    const shown = figure(fact) || (change ? `${t("change")}${colon}${change}` : "");
    line.append(el("td", null, String(point.year)), el("td", "figure", shown),
      el("td", "basis", basis), cell);
    table.append(line);
  }
  section.append(table);
  return section;
}

async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // No clipboard API (an older browser, a page not on localhost): select and copy.
    const area = el("textarea", "visually-hidden");
    area.value = text;
    document.body.append(area);
    area.select();
    const done = document.execCommand && document.execCommand("copy");
    area.remove();
    if (!done) {
      button.textContent = t("copyFailed");
      return;
    }
  }
  button.textContent = t("copied");
  button.classList.add("done");
  setTimeout(() => {
    button.textContent = t("copy");
    button.classList.remove("done");
  }, 2000);
}

async function loadPillars() {
  // Both languages' titles: one answer serves either page.
  if (!pillarsCache) pillarsCache = await getJson("/api/pillars", false);
  return pillarsCache;
}

async function showPillars() {
  setStatus("");
  try {
    const pillars = await loadPillars();
    const list = el("ol", "pillars");
    for (const p of pillars) {
      const item = el("li");
      const link = el("a", "pillar-link");
      link.href = urlOf({ pillar: String(p.pillar), lang: state.lang });
      link.addEventListener("click", (event) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        go({ pillar: String(p.pillar) }, true);
      });
      link.append(el("span", "number", p.pillar), el("span", "label", state.lang === "en" ? p.title_en : p.title),
        el("span", "count", t("facts", p.fact_count)));
      item.append(link);
      list.append(item);
    }
    $("view").replaceChildren(list);
  } catch (error) {
    setStatus(failure(error, "server"), true);
  }
}

async function showPillar(number) {
  setStatus("");
  try {
    const pillar = await getJson(`/api/pillars/${encodeURIComponent(number)}`);
    const view = $("view");
    const parts = [el("h2", "pillar-title", `${pillar.pillar} ${state.lang === "en" ? pillar.title_en : pillar.title}`)];
    for (const section of pillar.sections) {
      parts.push(el("h3", "section-title", `${section.section} ${state.lang === "en" ? section.title_en || section.title : section.title}`));
      const list = el("ol", "cards");
      for (const fact of pillar.facts.filter((f) => f.section === section.section)) list.append(factCard(fact));
      parts.push(list);
    }
    view.replaceChildren(...parts);
  } catch (error) {
    $("view").replaceChildren();
    setStatus(failure(error, "pillar", number), true);
  }
}

async function showRank(by, unit) {
  setStatus("");
  const params = new URLSearchParams({ by, limit: "20" });
  if (by === "value") params.set("unit", unit || "亿元");
  try {
    const rows = await getJson(`/api/rank?${params}`);
    const heading = el("h2", null, by === "change" ? t("rankChange") : t("rankValue", unit || "亿元"));
    const chart = el("ol", "bars");
    const largest = Math.max(...rows.map((r) => Math.abs(r.rank.value)), 1);
    for (const fact of rows) {
      const item = el("li", "bar-row");
      const link = factLink(fact);
      link.append(el("span", "bar-label", label(fact)));
      const track = el("span", "track");
      const bar = el("span", fact.rank.value < 0 ? "bar negative" : "bar");
      // A style property set from script: CSP blocks style attributes, not the CSSOM.
      bar.style.width = `${(Math.abs(fact.rank.value) / largest) * 100}%`;
      track.append(bar);
      const amount = by === "change" ? `${fact.rank.value}%` : fact.shown.rank;
      link.append(track, el("span", "bar-value", amount + (fact.rank.converted ? t("converted") : "")));
      item.append(link);
      chart.append(item);
    }
    $("view").replaceChildren(heading, chart);
  } catch (error) {
    $("view").replaceChildren();
    setStatus(failure(error, "rank"), true);
  }
}

function showHome() {
  setStatus("");
  showPillars();
}

function applyLanguage() {
  document.documentElement.lang = state.lang === "en" ? "en" : "zh-CN";
  $("subtitle").textContent = t("subtitle");
  $("q-label").textContent = t("search");
  $("q").placeholder = t("placeholder");
  $("hint").textContent = t("hint");
  $("nav-pillars").textContent = t("pillars");
  $("nav-change").textContent = t("byChange");
  $("nav-value").textContent = t("byValue");
  const switcher = $("lang");
  switcher.textContent = t("other");
  switcher.lang = state.lang === "en" ? "zh-CN" : "en";
  for (const [id, changes] of [["nav-pillars", { pillars: "1" }], ["nav-change", { rank: "change" }],
    ["nav-value", { rank: "value" }], ["home", {}]]) {
    $(id).href = urlOf({ ...changes, lang: state.lang });
  }
}

function render() {
  applyLanguage();
  document.title = t("title");
  const box = $("q");
  if (box.value !== state.q) box.value = state.q;
  if (state.id) showFact(state.id);
  else if (state.pillar) showPillar(state.pillar);
  else if (state.rank) showRank(state.rank === "value" ? "value" : "change", state.unit);
  else if (state.q) runSearch();
  else showHome();
}

function start() {
  readUrl();
  const box = $("q");
  box.addEventListener("input", () => {
    state.q = box.value;
    for (const key of ["id", "pillar", "pillars", "rank", "unit"]) state[key] = "";
    history.replaceState(null, "", urlOf(state));
    scheduleSearch();
  });
  box.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      clearTimeout(searchTimer);
      searchSeq++;
      go({});
      box.focus();
    }
  });
  $("search").addEventListener("submit", async (event) => {
    event.preventDefault();
    clearTimeout(searchTimer);
    if (!firstResult && state.q.trim()) await runSearch();
    if (firstResult) firstResult.click();
  });
  $("lang").addEventListener("click", () => go({ ...state, lang: state.lang === "en" ? "zh" : "en" }));
  for (const [id, changes] of [["nav-pillars", { pillars: "1" }], ["nav-change", { rank: "change" }],
    ["nav-value", { rank: "value" }], ["home", {}]]) {
    $(id).addEventListener("click", (event) => {
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      go(changes, true);
    });
  }
  window.addEventListener("popstate", () => {
    readUrl();
    render();
  });
  // Section titles come with the pillars; a failure here only leaves numbers shown.
  loadPillars().catch(() => setStatus(t("offline"), true)).finally(render);
}

start();
