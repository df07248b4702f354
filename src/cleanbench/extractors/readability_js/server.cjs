// cleanbench's readability-js worker: Mozilla's Readability.js on a jsdom document, one page per line.
// Usage: node server.cjs NODE_DIR   (NODE_DIR holds node_modules installed from package-lock.json)
// Reads JSON lines {"html": str, "url": str|null} on stdin; writes one JSON line per request:
// {"content": str|null} (the article HTML; null when Readability finds no article) or {"error": str}.
// Exits when stdin closes.
"use strict";

const path = require("path");
const readline = require("readline");
const { createRequire } = require("module");

const load = createRequire(path.join(path.resolve(process.argv[2] || "."), "package.json"));
const { JSDOM, VirtualConsole } = load("jsdom");
const { Readability } = load("@mozilla/readability");

// jsdom reports CSS and script problems on a console; they are page noise, not worker output.
const quiet = new VirtualConsole();

function baseUrl(url) {
  if (typeof url !== "string" || url === "") return undefined;
  try {
    return new URL(url).href;
  } catch {
    return undefined;
  }
}

function extract(request) {
  const dom = new JSDOM(request.html, { url: baseUrl(request.url), virtualConsole: quiet });
  try {
    const article = new Readability(dom.window.document).parse();
    return { content: article ? article.content : null };
  } finally {
    dom.window.close();
  }
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  let reply;
  try {
    reply = extract(JSON.parse(line));
  } catch (error) {
    reply = { error: String(error && error.stack ? error.stack.split("\n")[0] : error) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
});
lines.on("close", () => process.exit(0));
