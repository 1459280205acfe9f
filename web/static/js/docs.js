// The API documentation page: /openapi.json drawn as a page (operations, their parameters, bodies and
// responses, the schemas they name), and a form that tries POST /api/ask. Everything it shows goes into text
// nodes; it asks nothing of any other server.

const root = document.getElementById("main");
const toc = document.getElementById("docs-toc");
const body = document.getElementById("docs-body");
const tryIt = document.getElementById("try-it");
const METHODS = ["get", "post", "put", "patch", "delete"];
const IN = { query: "查询参数", path: "路径参数", header: "请求头", cookie: "Cookie" };
let schemas = {};  // the document's named schemas, to spell out a body's or an answer's fields where it is used

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function schemaName(ref) {
  return ref.replace("#/components/schemas/", "");
}

function anchor(text) {
  return text.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-|-$/g, "");
}

function operationId(method, path, operation) {
  return `op-${operation.operationId || anchor(`${method}-${path}`)}`;
}

// A schema's type in a few words: string, array of Clause, string | null, one of A, B …
function typeName(schema) {
  if (!schema || typeof schema !== "object") return "";
  if (schema.$ref) return schemaName(schema.$ref);
  if (schema.anyOf || schema.oneOf) return (schema.anyOf || schema.oneOf).map(typeName).join(" 或 ");
  const types = Array.isArray(schema.type) ? schema.type.join(" | ") : schema.type || "";
  if (types === "array" && schema.items) return `${typeName(schema.items)} 的数组`;
  return schema.format ? `${types}（${schema.format}）` : types;
}

function refLink(schema) {
  const target = schema && (schema.$ref || (schema.items && schema.items.$ref));
  if (!target) return document.createTextNode(typeName(schema));
  const link = el("a", "schema-link", typeName(schema));
  link.href = `#schema-${anchor(schemaName(target))}`;
  return link;
}

// What a schema allows beyond its type: enum, limits, pattern, examples.
function constraints(schema) {
  const notes = [];
  if (!schema || typeof schema !== "object") return notes;
  if (schema.enum) notes.push(`取值：${schema.enum.map((v) => JSON.stringify(v)).join("、")}`);
  if (schema.const !== undefined) notes.push(`固定为 ${JSON.stringify(schema.const)}`);
  for (const [key, label] of [["minLength", "至少字符"], ["maxLength", "至多字符"], ["minItems", "至少项"],
    ["maxItems", "至多项"], ["minimum", "最小"], ["maximum", "最大"]]) {
    if (schema[key] !== undefined) notes.push(`${label} ${schema[key]}`);
  }
  if (schema.pattern) notes.push(`格式 ${schema.pattern}`);
  if (schema.default !== undefined) notes.push(`默认 ${JSON.stringify(schema.default)}`);
  if (schema.examples) notes.push(`例如 ${schema.examples.map((v) => JSON.stringify(v)).join("、")}`);
  return notes;
}

function describe(cell, schema) {
  if (schema && schema.description) cell.append(el("span", "field-description", schema.description));
  for (const note of constraints(schema)) cell.append(el("span", "field-note", note));
}

// An object's properties as a table: name (required marked), type, what it is.
function propertiesTable(schema) {
  const table = el("table", "fields");
  const head = el("tr");
  for (const label of ["字段", "类型", "说明"]) head.append(el("th", "", label));
  const thead = el("thead");
  thead.append(head);
  const tbody = el("tbody");
  const required = new Set(schema.required || []);
  for (const [name, property] of Object.entries(schema.properties || {})) {
    const row = el("tr");
    const key = el("td", "field-name");
    key.append(el("code", "", name));
    if (required.has(name)) key.append(el("span", "required", "必填"));
    const type = el("td", "field-type");
    type.append(refLink(property));
    const about = el("td");
    describe(about, property);
    row.append(key, type, about);
    tbody.append(row);
  }
  table.append(thead, tbody);
  return table;
}

// A schema's fields; `expand`: a named one is spelled out too (a request body, a response), else linked.
function schemaBlock(schema, expand = false) {
  const block = el("div", "schema");
  if (!schema) return block;
  if (schema.$ref || (schema.type === "array" && schema.items && schema.items.$ref)) {
    const line = el("p", "schema-type");
    line.append("类型：", refLink(schema));
    block.append(line);
    describe(block, schema);
    const named = schema.$ref && schemas[schemaName(schema.$ref)];
    if (expand && named) block.append(schemaBlock(named));
    return block;
  }
  if (schema.description) block.append(el("p", "field-description", schema.description));
  if (schema.properties) block.append(propertiesTable(schema));
  else {
    const line = el("p", "schema-type", `类型：${typeName(schema) || "任意"}`);
    block.append(line);
    for (const note of constraints(schema)) block.append(el("p", "field-note", note));
  }
  if (schema.additionalProperties === false) block.append(el("p", "field-note", "不含其他字段。"));
  return block;
}

function contentBlocks(content) {
  const blocks = [];
  for (const [type, media] of Object.entries(content || {})) {
    const wrap = el("div", "media");
    const label = el("p", "media-type");
    label.append("内容类型 ", el("code", "", type));
    wrap.append(label, schemaBlock(media.schema, true));
    blocks.push(wrap);
  }
  return blocks;
}

function parametersBlock(parameters) {
  const table = el("table", "fields");
  const head = el("tr");
  for (const label of ["参数", "位置", "类型", "说明"]) head.append(el("th", "", label));
  const thead = el("thead");
  thead.append(head);
  const tbody = el("tbody");
  for (const parameter of parameters) {
    const row = el("tr");
    const name = el("td", "field-name");
    name.append(el("code", "", parameter.name));
    if (parameter.required) name.append(el("span", "required", "必填"));
    const about = el("td");
    if (parameter.description) about.append(el("span", "field-description", parameter.description));
    for (const note of constraints(parameter.schema)) about.append(el("span", "field-note", note));
    row.append(name, el("td", "", IN[parameter.in] || parameter.in), el("td", "field-type", typeName(parameter.schema)),
      about);
    tbody.append(row);
  }
  table.append(thead, tbody);
  return table;
}

function operationBlock(path, method, operation) {
  const section = el("section", "operation");
  section.id = operationId(method, path, operation);
  const title = el("h2", "operation-title");
  title.append(el("span", `method method-${method}`, method.toUpperCase()), " ", el("code", "", path));
  section.append(title);
  if (operation.summary) section.append(el("p", "operation-summary", operation.summary));
  if (operation.description) section.append(el("p", "field-description", operation.description));
  if (operation.security && operation.security.length) {
    section.append(el("p", "field-note", "需要先登录管理后台（/admin/login）。"));
  }
  if (operation.parameters && operation.parameters.length) {
    section.append(el("h3", "", "参数"), parametersBlock(operation.parameters));
  }
  if (operation.requestBody) {
    section.append(el("h3", "", operation.requestBody.required ? "请求体（必填）" : "请求体"));
    section.append(...contentBlocks(operation.requestBody.content));
  }
  section.append(el("h3", "", "回答"));
  const list = el("dl", "responses");
  for (const [status, response] of Object.entries(operation.responses || {})) {
    list.append(el("dt", `status status-${status[0]}xx`, status));
    const about = el("dd");
    about.append(el("p", "", response.description || ""), ...contentBlocks(response.content));
    list.append(about);
  }
  section.append(list);
  return section;
}

function render(spec) {
  schemas = (spec.components || {}).schemas || {};
  const info = spec.info || {};
  const head = el("section", "docs-info");
  head.append(el("p", "docs-title", `${info.title || "API"} · 版本 ${info.version || ""}`));
  if (info.description) head.append(el("p", "field-description", info.description));
  const server = ((spec.servers || [])[0] || {}).url;
  if (server) {
    const line = el("p", "field-note");
    line.append("地址前缀：", el("code", "", server));
    head.append(line);
  }
  const contents = el("ol", "docs-list");
  const operations = [];
  for (const [path, item] of Object.entries(spec.paths || {})) {
    for (const method of METHODS) {
      if (!item[method]) continue;
      const operation = item[method];
      const entry = el("li");
      const link = el("a", "", "");
      link.href = `#${operationId(method, path, operation)}`;
      link.append(el("span", `method method-${method}`, method.toUpperCase()), " ", el("code", "", path));
      entry.append(link, " ", el("span", "toc-summary", operation.summary || ""));
      contents.append(entry);
      operations.push(operationBlock(path, method, operation));
    }
  }
  toc.append(head, el("h2", "", "接口"), contents);
  const definitions = el("section", "schemas");
  definitions.append(el("h2", "", "数据结构"));
  for (const [name, schema] of Object.entries(schemas)) {
    const block = el("section", "schema-def");
    block.id = `schema-${anchor(name)}`;
    block.append(el("h3", "", name), schemaBlock(schema));
    definitions.append(block);
  }
  body.replaceChildren(...operations, definitions);
  // the form that tries /api/ask goes under that operation
  const ask = Object.entries(spec.paths || {}).find(([path]) => path === "/api/ask");
  const target = ask && document.getElementById(operationId("post", "/api/ask", ask[1].post || {}));
  if (target) {
    target.append(tryIt);
    tryIt.hidden = false;
  }
  if (location.hash) {
    const focus = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (focus) focus.scrollIntoView();
  }
}

async function load() {
  try {
    const reply = await fetch(root.dataset.specUrl, { headers: { Accept: "application/json" } });
    if (!reply.ok) throw new Error(String(reply.status));
    render(await reply.json());
  } catch (error) {
    body.replaceChildren(el("p", "notice", `无法读取接口文档（${error.message}），请刷新重试。`));
  }
}

// -- 试一试: POST /api/ask ---------------------------------------------------------------------------

function tryForm() {
  const form = document.getElementById("try-form");
  const status = document.getElementById("try-status");
  const output = document.getElementById("try-output");
  const send = document.getElementById("try-send");
  const askUrl = root.dataset.askUrl;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const question = document.getElementById("try-question").value;
    const session = document.getElementById("try-session").value.trim();
    const payload = session ? { question, session_id: session } : { question };
    send.disabled = true;
    status.textContent = "正在发送…";
    try {
      const started = performance.now();
      const reply = await fetch(askUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(payload),
      });
      const text = await reply.text();
      let shown = text;
      try {
        shown = JSON.stringify(JSON.parse(text), null, 2);
      } catch (error) {
        // not JSON: shown as it came
      }
      status.textContent = `HTTP ${reply.status}，用时 ${Math.round(performance.now() - started)} 毫秒`;
      output.textContent = `POST ${askUrl}\n${JSON.stringify(payload)}\n\n${shown}`;
      output.hidden = false;
    } catch (error) {
      status.textContent = "无法连接到服务器。";
    }
    send.disabled = false;
  });
}

tryForm();
load();
