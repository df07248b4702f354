// cleanbench annotate: the browser side. Page text only ever enters the DOM as textContent.
"use strict";

const TOKEN = document.querySelector('meta[name="cleanbench-token"]').content;
const KEYS = {
  content: "c", optional: "o", duplicate: "d", ad: "a", related: "r", comments: "m", nav: "n",
  cookie: "k", newsletter: "e", share: "s", footer: "f", other: "x", none: "-",
};
const LABEL_OF_KEY = Object.fromEntries(Object.entries(KEYS).map(([label, key]) => [key, label]));
const NOISE = new Set(["duplicate", "ad", "related", "comments", "nav", "cookie", "newsletter", "share", "footer", "other"]);

const $ = (id) => document.getElementById(id);
const view = {
  session: null, page: null, index: 0, current: 0, anchor: null,
  undo: new Map(), chain: Promise.resolve(), renderBase: "",
};

async function api(path, body) {
  const options = { headers: { "X-Cleanbench-Token": TOKEN } };
  if (body !== undefined) {
    options.method = "POST";
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data;
}

function saving(text, kind) {
  const save = $("save");
  save.textContent = text;
  save.className = `save ${kind}`;
}

function banner(text, kind = "error") {
  const element = $("banner");
  element.textContent = text || "";
  element.className = `banner ${kind === "note" ? "note" : ""}`;
  element.hidden = !text;
}

// ---- pages -------------------------------------------------------------------------------------

async function start() {
  view.session = await api("/api/session");
  buildLegend();
  const types = $("page-type");
  for (const type of view.session.page_types) {
    const option = document.createElement("option");
    option.value = type;
    option.textContent = type;
    types.append(option);
  }
  updateProgress();
  if (view.session.resumed) banner(`Resumed: ${view.session.resumed} pages from ${view.session.log}`, "note");
  await openPage(view.session.position || 0);
  saving("all changes saved", "saved");
}

async function openPage(index) {
  const pages = view.session.pages;
  if (index < 0 || index >= pages.length) return;
  view.index = index;
  view.current = 0;
  view.anchor = null;
  $("page-pos").textContent = `${index + 1} / ${pages.length}`;
  $("page-id").textContent = pages[index].id;
  $("page-url").textContent = pages[index].url || pages[index].origin;
  const list = $("blocks");
  list.replaceChildren(message(pages[index].guessed ? "loading…" : "guessing: running the five extractors on this page…"));
  try {
    view.page = await api(`/api/page/${index}`);
  } catch (error) {
    list.replaceChildren(message(`cannot open this page: ${error.message}`));
    return;
  }
  view.renderBase = `/render/${index}?t=${encodeURIComponent(TOKEN)}`;
  $("render").src = view.renderBase;
  renderPage();
  list.focus();
  api(`/api/page/${index}/visit`, {}).catch((error) => banner(`not saved: ${error.message}`));
}

function message(text) {
  const item = document.createElement("li");
  item.className = "message";
  item.textContent = text;
  return item;
}

function updateProgress() {
  const pages = view.session.pages;
  const done = pages.filter((page) => page.done).length;
  $("progress-fill").style.width = `${pages.length ? (100 * done) / pages.length : 0}%`;
  $("progress-text").textContent = `${done} of ${pages.length} done`;
}

// ---- the block list ----------------------------------------------------------------------------

function renderPage() {
  const state = view.page.state;
  const list = $("blocks");
  const items = state.blocks.map((block, i) => {
    const label = state.labels[i];
    const item = document.createElement("li");
    item.className = "block";
    item.dataset.index = i;
    item.dataset.label = label;
    if (NOISE.has(label)) item.classList.add("noise");
    if (label === "none") item.classList.add("none");
    const previous = i > 0 ? state.labels[i - 1] : null;
    if (i > 0 && (label !== previous || (state.starts[i] && label !== "content" && label !== "none"))) item.classList.add("span-start");
    const sameSource = (j) => j >= 0 && j < state.blocks.length && state.blocks[j].source === block.source;
    if (sameSource(i - 1) || sameSource(i + 1)) item.classList.add("piece");
    const num = document.createElement("span");
    num.className = "num";
    num.textContent = String(i + 1);
    const chip = document.createElement("span");
    chip.className = "label";
    chip.textContent = label;
    if (state.guesses[i] !== label) {
      const was = document.createElement("span");
      was.className = "was";
      was.textContent = `(guess ${state.guesses[i]})`;
      chip.append(was);
    }
    const text = document.createElement("span");
    text.className = "text";
    text.textContent = block.text;
    item.append(num, chip, text);
    return item;
  });
  const scroll = list.scrollTop;
  list.replaceChildren(...items);
  list.scrollTop = scroll;
  renderDetails();
  markSelection();
}

function renderDetails() {
  const page = view.page;
  const state = page.state;
  const chip = $("page-state");
  chip.textContent = state.done ? "done" : page.findings.length ? "needs fixing" : "in progress";
  chip.className = `chip ${state.done ? "done" : page.findings.length ? "problem" : ""}`;
  $("page-type").value = state.page_type || "";
  if (document.activeElement !== $("lang")) $("lang").value = state.lang || "";
  snippetList($("with-list"), state.with, "with");
  snippetList($("without-list"), state.without, "without");
  $("findings").replaceChildren(...page.findings.map((finding) => {
    const item = document.createElement("li");
    item.textContent = finding;
    return item;
  }));
  const failed = Object.keys(page.failures || {});
  const changed = state.labels.filter((label, i) => label !== state.guesses[i]).length;
  $("counts").textContent = `gold text ${page.counts.gold_words} words · ${page.counts.noise} clutter spans · ` +
    `${page.counts.optional} optional · ${changed} of ${state.blocks.length} blocks changed from the guess` +
    (failed.length ? ` · did not run: ${failed.join(", ")}` : "");
}

function snippetList(list, snippets, kind) {
  if (!snippets.length) {
    const empty = document.createElement("li");
    empty.className = "empty";
    empty.textContent = "none yet: select text, press the key";
    list.replaceChildren(empty);
    return;
  }
  list.replaceChildren(...snippets.map((text) => {
    const item = document.createElement("li");
    const remove = document.createElement("button");
    remove.textContent = "\u00d7";
    remove.title = "remove";
    remove.addEventListener("click", () => change({ op: "snippet", kind, text, on: false }));
    const span = document.createElement("span");
    span.textContent = `\u201c${text}\u201d`;
    item.append(remove, span);
    return item;
  }));
}

function selection() {
  const a = view.anchor === null ? view.current : view.anchor;
  return [Math.min(a, view.current), Math.max(a, view.current)];
}

function markSelection() {
  const [first, last] = selection();
  const items = $("blocks").children;
  for (const item of items) {
    const i = Number(item.dataset.index);
    item.classList.toggle("current", i === view.current);
    item.classList.toggle("selected", i >= first && i <= last && first !== last);
    const reason = item.querySelector(".reason");
    if (i === view.current && !reason && view.page) {
      const why = document.createElement("div");
      why.className = "reason";
      why.textContent = view.page.state.blocks[i].reason;
      item.append(why);
    } else if (i !== view.current && reason) {
      reason.remove();
    }
  }
  const item = items[view.current];
  if (item && item.scrollIntoView) item.scrollIntoView({ block: "nearest" });
  if (view.page && view.page.state.blocks.length) {
    $("why").textContent = `block ${view.current + 1}: ${view.page.state.labels[view.current]} · ${view.page.state.blocks[view.current].reason}`;
    showInPage(view.page.state.blocks[view.current].anchor);
  }
}

// Scroll the rendering to a block's element, once the keys have rested (a held arrow key moves fast).
let scrollTimer = null;
function showInPage(anchor) {
  clearTimeout(scrollTimer);
  scrollTimer = setTimeout(() => {
    const target = `${view.renderBase}#cb-${anchor}`;
    if ($("render").src !== new URL(target, location.href).href) $("render").src = target;
  }, 150);
}

function move(to, extend) {
  const count = view.page ? view.page.state.blocks.length : 0;
  if (!count) return;
  if (extend && view.anchor === null) view.anchor = view.current;
  if (!extend) view.anchor = null;
  view.current = Math.max(0, Math.min(count - 1, to));
  markSelection();
}

// ---- changes -----------------------------------------------------------------------------------

function change(body, after) {
  const index = view.index;
  view.chain = view.chain.then(async () => {
    saving("saving…", "saving");
    try {
      const page = await api(`/api/page/${index}/change`, { change: body });
      if (!view.undo.has(index)) view.undo.set(index, []);
      if (!body.undo) view.undo.get(index).push(page.undo);
      view.session.pages[index] = page.summary;
      updateProgress();
      if (view.index === index) {
        view.page = page;
        if (after) after(page);
        renderPage();
      }
      saving(`saved ${new Date().toLocaleTimeString()}`, "saved");
      banner(page.notes && page.notes.length ? page.notes.join("; ") : "", "note");
      return page;
    } catch (error) {
      saving("not saved", "failed");
      banner(error.message);
      return null;
    }
  });
  return view.chain;
}

function label(name) {
  const [first, last] = selection();
  const blocks = [];
  for (let i = first; i <= last; i++) blocks.push(i);
  change({ op: "label", blocks, label: name }, () => {
    view.anchor = null;
    if (first === last) view.current = Math.min(view.page.state.blocks.length - 1, last + 1);
  });
}

function selectedText() {
  const selected = window.getSelection();
  return selected && !selected.isCollapsed ? selected.toString() : "";
}

function cut() {
  const selected = window.getSelection();
  if (!selected || !selected.rangeCount) return banner("To cut a block, first select the clutter's text in it with the mouse.", "note");
  const range = selected.getRangeAt(0);
  const item = range.startContainer.parentElement && range.startContainer.parentElement.closest(".block");
  const text = item && item.querySelector(".text");
  if (!text || !text.firstChild || range.startContainer !== text.firstChild || range.endContainer !== text.firstChild) {
    return banner("Select text inside one block to cut it there.", "note");
  }
  const i = Number(item.dataset.index);
  const length = text.firstChild.length;
  const at = [...new Set([range.startOffset, range.endOffset])].filter((k) => k > 0 && k < length).sort((a, b) => a - b);
  if (!at.length) return banner("The selection covers the whole block: there is nothing to cut off.", "note");
  selected.removeAllRanges();
  change({ op: "split", block: i, at }, () => {
    view.anchor = null;
    view.current = range.startOffset > 0 ? i + 1 : i;
  });
}

function join() {
  const state = view.page.state;
  const source = state.blocks[view.current].source;
  let first = view.current;
  while (first > 0 && state.blocks[first - 1].source === source) first--;
  let count = 0;
  while (first + count < state.blocks.length && state.blocks[first + count].source === source) count++;
  if (count < 2) return banner("This block is not cut into pieces.", "note");
  change({ op: "join", block: first, count }, () => { view.current = first; view.anchor = null; });
}

function snippet(kind) {
  const text = selectedText().trim();
  if (!text) return banner(`Select the text that a correct extraction must ${kind === "with" ? "" : "not "}contain, then press the key.`, "note");
  window.getSelection().removeAllRanges();
  change({ op: "snippet", kind, text, on: true });
}

function undo() {
  const stack = view.undo.get(view.index) || [];
  const last = stack.pop();
  if (!last) return banner("Nothing to undo on this page.", "note");
  change({ ...last, undo: true });
}

async function done() {
  const state = view.page.state;
  if (!state.done) {
    const page = await change({ op: "done", on: true });
    if (!page || !page.state.done) return;
  }
  const pages = view.session.pages;
  const next = pages.findIndex((page, i) => i > view.index && !page.done);
  if (next >= 0) await openPage(next);
  else if (pages.every((page) => page.done)) banner("Every page is done. The output file is complete.", "note");
}

// ---- legend, dialogs, keys ---------------------------------------------------------------------

function buildLegend() {
  const holder = $("label-buttons");
  for (const name of view.session.labels) {
    const button = document.createElement("button");
    button.className = "label-button";
    button.dataset.label = name;
    button.style.setProperty("--c", `var(--l-${name})`);
    const key = document.createElement("span");
    key.className = "key";
    key.textContent = KEYS[name].toUpperCase();
    const text = document.createElement("span");
    text.textContent = name;
    button.append(key, text);
    button.addEventListener("mousedown", (event) => event.preventDefault());
    button.addEventListener("click", () => label(name));
    holder.append(button);
  }
}

function showPages() {
  const list = $("pages-list");
  list.replaceChildren(...view.session.pages.map((page, i) => {
    const item = document.createElement("li");
    const mark = document.createElement("span");
    mark.className = "mark";
    mark.textContent = page.done ? "\u2713" : "";
    const name = document.createElement("span");
    name.textContent = page.id;
    const note = document.createElement("span");
    note.className = "note";
    note.textContent = page.done ? "  done" : page.changes ? `  ${page.changes} changes` : page.guessed ? "  guessed" : "";
    if (i === view.index) item.classList.add("current");
    item.append(mark, name, note);
    item.addEventListener("click", () => { $("pages-dialog").close(); openPage(i); });
    return item;
  }));
  $("pages-dialog").showModal();
}

document.addEventListener("keydown", (event) => {
  if (document.querySelector("dialog[open]")) return;
  const target = event.target;
  if (target && (target.tagName === "INPUT" || target.tagName === "SELECT" || target.tagName === "TEXTAREA")) return;
  if (!view.page) return;
  const key = event.key;
  if ((event.ctrlKey || event.metaKey) && key.toLowerCase() === "z") { event.preventDefault(); undo(); return; }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const handled = () => event.preventDefault();
  if (key === "ArrowDown") { handled(); move(view.current + 1, event.shiftKey); }
  else if (key === "ArrowUp") { handled(); move(view.current - 1, event.shiftKey); }
  else if (key === "PageDown") { handled(); move(view.current + 10, event.shiftKey); }
  else if (key === "PageUp") { handled(); move(view.current - 10, event.shiftKey); }
  else if (key === "Home") { handled(); move(0, event.shiftKey); }
  else if (key === "End") { handled(); move(view.page.state.blocks.length - 1, event.shiftKey); }
  else if (key === "Enter") { handled(); done(); }
  else if (key === "Escape") { view.anchor = null; markSelection(); }
  else if (key === "/") { handled(); cut(); }
  else if (key === "W") { handled(); snippet("without"); }
  else if (key === "w") { handled(); snippet("with"); }
  else if (key === "b") { handled(); const s = view.page.state.starts[view.current]; change({ op: "start", block: view.current, on: !s }); }
  else if (key === "j") { handled(); join(); }
  else if (key === "u") { handled(); undo(); }
  else if (key === "[") { handled(); openPage(view.index - 1); }
  else if (key === "]") { handled(); openPage(view.index + 1); }
  else if (key === "p") { handled(); showPages(); }
  else if (key === "?") { handled(); $("help-dialog").showModal(); }
  else if (LABEL_OF_KEY[key.toLowerCase()] && key.length === 1) { handled(); label(LABEL_OF_KEY[key.toLowerCase()]); }
});

// Shift+click selects a range of blocks, not text; a plain click that ends a text selection keeps it
// (for a cut or a snippet) and only moves the current block.
$("blocks").addEventListener("mousedown", (event) => { if (event.shiftKey) event.preventDefault(); });
$("blocks").addEventListener("click", (event) => {
  const item = event.target.closest(".block");
  if (!item) return;
  const index = Number(item.dataset.index);
  if (event.shiftKey) move(index, true);
  else if (!selectedText()) move(index, false);
  else { view.anchor = null; view.current = index; markSelection(); }
});
$("prev").addEventListener("click", () => openPage(view.index - 1));
$("next").addEventListener("click", () => openPage(view.index + 1));
$("page-name").addEventListener("click", showPages);
$("pages-close").addEventListener("click", () => $("pages-dialog").close());
$("help-close").addEventListener("click", () => $("help-dialog").close());
$("page-state").addEventListener("click", () => { if (view.page && view.page.state.done) change({ op: "done", on: false }); });
$("page-type").addEventListener("change", (event) => change({ op: "field", name: "page_type", value: event.target.value || null }));
$("lang").addEventListener("change", (event) => change({ op: "field", name: "lang", value: event.target.value || null }));
$("toggle-render").addEventListener("click", (event) => {
  const wrap = document.querySelector(".render-wrap");
  wrap.classList.toggle("hidden");
  event.target.textContent = wrap.classList.contains("hidden") ? "show" : "hide";
});

// A fragment navigation of the rendering can move the focus into it: keys belong to the block list.
window.addEventListener("blur", () => setTimeout(() => {
  if (document.activeElement === $("render")) $("blocks").focus({ preventScroll: true });
}, 0));

start().catch((error) => { saving("not connected", "failed"); banner(`cannot start: ${error.message}`); });
