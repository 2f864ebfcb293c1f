// The planner page's script, inlined by planner.html (the numbers come from the settings).
"use strict";
(() => {
  const KEY_STORE = "tongban.apiKey";
  const ACTIVE = ["queued", "running"];
  const STAGES = { routing: "EMS routing 路线", staffing: "Staffing 排班", simulation: "Simulation 仿真 (replications)" };
  const MODES = { online: "全程网办\nonline", proxy: "异地代收代办\nproxy", joint: "多地联办\njoint", counter: "窗口办结\ncounter" };
  const $ = (id) => document.getElementById(id);
  let current = null;       // the run on screen
  let timer = null;         // the next poll
  let stored = null;        // {text, id}: the last scenario stored, reused while unchanged
  let reportUrl = null;     // blob: URL of the saved report
  let matters = [];         // turnaround rows, sorted
  let showAll = false;

  class ApiError extends Error {
    constructor(status, detail, errors) { super(detail); this.status = status; this.errors = errors || []; }
  }

  const key = () => sessionStorage.getItem(KEY_STORE) || "";

  async function api(method, path, options = {}) {
    const headers = {};
    if (key()) headers["X-API-Key"] = key();
    if (options.type) headers["Content-Type"] = options.type;
    let response;
    try {
      response = await fetch(path, { method, headers, body: options.body, cache: "no-store" });
    } catch (err) {
      throw new ApiError(0, "The service did not answer (" + err.message + "). Is it running?");
    }
    if (response.ok) return response;
    let detail = response.status + " " + response.statusText;
    let errors = [];
    try {
      const problem = await response.json();
      if (problem.detail) detail = problem.detail;
      errors = Array.isArray(problem.errors) ? problem.errors : [];
    } catch (err) { /* not a Problem body: keep the status line */ }
    if (response.status === 401) {
      detail = (key() ? "The service refused this API key: " : "No API key: ") + detail + ". Enter a valid key in step 1.";
    } else if (response.status === 403) {
      detail = "This key may not do that: " + detail;
    }
    throw new ApiError(response.status, detail, errors);
  }

  function clear(element) { element.replaceChildren(); }

  function showError(element, err) {
    clear(element);
    const text = err instanceof ApiError ? err.message : String(err);
    element.append(document.createTextNode(text));
    const extra = (err.errors || []).filter((e) => !text.includes(e.msg));
    if (extra.length) {
      const list = document.createElement("ul");
      for (const e of extra) {
        const item = document.createElement("li");
        item.textContent = (e.loc || []).join(".") + ": " + e.msg;
        list.append(item);
      }
      element.append(list);
    }
    element.scrollIntoView({ behavior: "smooth", block: "nearest" });
  }

  function cell(row, text, className) {
    const td = document.createElement("td");
    td.textContent = text;
    if (className) td.className = className;
    row.append(td);
    return td;
  }

  const number = (v, digits) => (v === null || v === undefined ? "–" : Number(v).toFixed(digits));
  const share = (v) => (v === null || v === undefined ? "–" : (100 * v).toFixed(0) + "%");

  // -- 1 · key ---------------------------------------------------------------------------
  async function checkKey(quiet) {
    const status = $("key-status");
    status.className = "message";
    if (!key()) { status.textContent = quiet ? "" : "Enter a key first."; return false; }
    try {
      const runs = await (await api("GET", "/runs")).json();
      status.className = "message ok";
      status.textContent = "Key accepted; it stays in this tab until you close it or press Forget.";
      showRecent(runs);
      return true;
    } catch (err) {
      status.className = "message error";
      showError(status, err);
      if (err.status === 401) sessionStorage.removeItem(KEY_STORE);
      $("recent").hidden = true;
      return false;
    }
  }

  async function refreshRecent() {
    try { showRecent(await (await api("GET", "/runs")).json()); } catch (err) { /* the key check says why */ }
  }

  function showRecent(runs) {
    const body = $("recent-runs").tBodies[0];
    clear(body);
    for (const run of runs.slice(0, 8)) {
      const row = document.createElement("tr");
      cell(row, "#" + run.id);
      cell(row, "#" + run.scenario_id + " v" + run.scenario_version);
      const badge = document.createElement("span");
      badge.className = "badge " + run.status;
      badge.textContent = run.status;
      cell(row, "").append(badge);
      cell(row, String(run.replications), "num");
      cell(row, String(run.seed), "num");
      cell(row, run.created_at.replace("T", " ").slice(0, 19));
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.textContent = "Show";
      button.addEventListener("click", () => watch(run.id));
      row.append(document.createElement("td"));
      row.lastChild.append(button);
      body.append(row);
    }
    $("recent").hidden = runs.length === 0;
  }

  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const value = $("key").value.trim();
    if (value) sessionStorage.setItem(KEY_STORE, value); else sessionStorage.removeItem(KEY_STORE);
    checkKey(false);
  });
  $("forget-key").addEventListener("click", () => {
    sessionStorage.removeItem(KEY_STORE);
    $("key").value = "";
    $("key-status").className = "message";
    $("key-status").textContent = "Key forgotten.";
    $("recent").hidden = true;
  });

  // -- 2 · scenario ----------------------------------------------------------------------
  $("shipped").addEventListener("change", async () => {
    const name = $("shipped").value;
    clear($("start-error"));
    if (!name) return;
    try {
      $("scenario-text").value = await (await api("GET", "/planner/scenarios/" + encodeURIComponent(name))).text();
      $("upload").value = "";
    } catch (err) { showError($("start-error"), err); }
  });
  $("upload").addEventListener("change", async () => {
    const file = $("upload").files[0];
    clear($("start-error"));
    if (!file) return;
    if (file.size > {{ max_body_bytes }}) {
      showError($("start-error"), new ApiError(413, file.name + " is " + file.size + " bytes; this service takes at most {{ max_body_bytes }}."));
      return;
    }
    $("scenario-text").value = await file.text();
    $("shipped").value = "";
  });

  function runOptions() {
    const options = {};
    for (const [field, low, high] of [["replications", 1, {{ max_replications }}], ["seed", 0, Number.MAX_SAFE_INTEGER]]) {
      const raw = $(field).value.trim();
      if (raw === "") continue;
      const value = Number(raw);
      if (!Number.isInteger(value) || value < low || value > high) {
        throw new ApiError(422, field + " must be a whole number from " + low + " to " + high + " (got " + raw + ")");
      }
      options[field] = value;
    }
    return options;
  }

  async function storeScenario(text) {
    if (stored && stored.text === text) return stored.id;
    let response;
    try {
      response = await api("POST", "/scenarios", { body: text, type: "application/toml" });
    } catch (err) {
      err.message = "The scenario was not stored (no run started): " + err.message;
      throw err;
    }
    const scenario = await response.json();
    stored = { text, id: scenario.id };
    return scenario.id;
  }

  $("start").addEventListener("click", async () => {
    const text = $("scenario-text").value;
    clear($("start-error"));
    $("start").disabled = true;
    try {
      if (!key()) throw new ApiError(401, "No API key: enter a planner key in step 1 first.");
      if (!text.trim()) throw new ApiError(422, "The scenario is empty: pick a shipped scenario or upload a TOML file.");
      const options = runOptions();
      const scenarioId = await storeScenario(text);
      const response = await api("POST", "/scenarios/" + scenarioId + "/runs", {
        body: JSON.stringify(options), type: "application/json",
      }).catch((err) => { err.message = "The run was not started: " + err.message; throw err; });
      const run = await response.json();
      watch(run.id);
      refreshRecent();
    } catch (err) {
      showError($("start-error"), err);
    } finally {
      $("start").disabled = false;
    }
  });

  // -- 3 · run ---------------------------------------------------------------------------
  function watch(id) {
    clearTimeout(timer);
    current = id;
    history.replaceState(null, "", "#run=" + id);
    $("run-section").hidden = false;
    $("results-section").hidden = true;
    $("report-section").hidden = true;
    clear($("run-error"));
    clear($("stages"));
    $("run-id").textContent = "#" + id;
    $("run-status").textContent = "…";
    $("run-status").className = "badge";
    poll(id);
    $("run-section").scrollIntoView({ behavior: "smooth", block: "start" });
  }

  async function poll(id) {
    if (id !== current) return;
    try {
      const run = await (await api("GET", "/runs/" + id)).json();
      if (id !== current) return;
      showRun(run);
      if (ACTIVE.includes(run.status)) {
        timer = setTimeout(() => poll(id), 800);
        return;
      }
      refreshRecent();
      if (run.status === "succeeded") await showResults(run);
    } catch (err) {
      if (id !== current) return;
      showError($("run-error"), err);
      if (err.status === 0 || err.status >= 500) timer = setTimeout(() => poll(id), 3000);
    }
  }

  function showRun(run) {
    const badge = $("run-status");
    badge.textContent = run.status;
    badge.className = "badge " + run.status;
    const names = Object.keys(run.progress);
    const order = Object.keys(STAGES).filter((s) => names.includes(s)).concat(names.filter((s) => !(s in STAGES)));
    const stages = $("stages");
    clear(stages);
    for (const stage of order) {
      const step = run.progress[stage];
      const line = document.createElement("div");
      line.className = "stage";
      line.dataset.stage = stage;
      const label = document.createElement("span");
      label.textContent = STAGES[stage] || stage;
      const bar = document.createElement("progress");
      bar.max = Math.max(step.total, 1);
      bar.value = step.done;
      const count = document.createElement("span");
      count.className = "count";
      count.textContent = step.done + "/" + step.total;
      line.append(label, bar, count);
      stages.append(line);
    }
    $("cancel").hidden = !ACTIVE.includes(run.status);
    const times = [run.started_at && "started " + run.started_at.slice(11, 19), run.finished_at && "finished " + run.finished_at.slice(11, 19)];
    $("run-times").textContent = times.filter(Boolean).join(" · ") + (times.some(Boolean) ? " UTC" : "");
    if (run.status === "failed") showError($("run-error"), new ApiError(0, "The run failed: " + (run.error || "no reason given")));
    if (run.status === "cancelled") showError($("run-error"), new ApiError(0, "The run was cancelled."));
  }

  $("cancel").addEventListener("click", async () => {
    if (current === null) return;
    try { await api("POST", "/runs/" + current + "/cancel"); poll(current); }
    catch (err) { showError($("run-error"), err); }
  });

  // -- 4 · results, 5 · report -----------------------------------------------------------
  let minCases = 20;        // the summary's min_cases_all_replications
  let replications = 1;

  const judged = (r) => r.cases * replications >= minCases - 1e-9;

  function missFirst(a, b) {
    const rank = (r) => (r.cases > 0 ? (judged(r) ? 0 : 1) : 2);
    const office = (r) => (r.within_limit_share === null ? 2 : r.within_limit_share);
    const e2e = (r) => (r.end_to_end_within_limit_share === null ? 2 : r.end_to_end_within_limit_share);
    return rank(a) - rank(b) || office(a) - office(b) || e2e(a) - e2e(b)
      || (b.cases || 0) - (a.cases || 0) || a.matter_id.localeCompare(b.matter_id);
  }

  function showMatters() {
    const body = $("turnaround").tBodies[0];
    clear(body);
    const withCases = matters.filter((r) => r.cases > 0);
    const rows = showAll || withCases.length === 0 ? matters : withCases;
    for (const r of rows) {
      const row = document.createElement("tr");
      if (!judged(r)) row.className = "few";
      else if (r.within_limit_share !== null && r.within_limit_share < 0.9) row.className = "miss";
      row.dataset.matter = r.matter_id;
      cell(row, r.matter_id + " " + r.matter_name, "matter");
      cell(row, MODES[r.mode] || r.mode, "mode");
      cell(row, number(r.cases, 1), "num");
      cell(row, number(r.days_mean, 1), "num");
      cell(row, number(r.days_p90, 1), "num");
      cell(row, String(r.limit_working_days), "num");
      cell(row, share(r.within_limit_share), "num share-office");
      cell(row, share(r.end_to_end_within_limit_share), "num");
      body.append(row);
    }
    const button = $("show-all");
    button.hidden = withCases.length === matters.length || withCases.length === 0;
    button.textContent = showAll ? "Only matters with cases (" + withCases.length + ")" : "Show all " + matters.length + " matters (also those without cases)";
  }
  $("show-all").addEventListener("click", () => { showAll = !showAll; showMatters(); });

  function matterName(id) {
    const row = matters.find((r) => r.matter_id === id);
    return row ? id + " " + row.matter_name : id;
  }

  function summaryText(run) {
    const s = run.summary || {};
    const parts = [(s.scenario || "scenario #" + run.scenario_id) + ": " + run.replications + " replication(s), seed " + run.seed];
    if (s.cases !== undefined) parts.push(number(s.cases, 0) + " cases per replication");
    const j = s.judging || {};
    if (j.matters_judged !== undefined) {
      const below = j.matters_below_90pct_within_limit || [];
      if (j.matters_judged === 0) {
        parts.push("no matter has enough cases to judge (" + (j.min_cases_all_replications || 20) + " over all replications): run more days or replications");
      } else {
        parts.push(j.matters_judged + " matters with enough cases to judge, " + (below.length ? below.length + " below 90% within limit: " + below.map(matterName).join(", ") : "none below 90% within limit"));
      }
      if (j.matters_left_out_too_few_cases) parts.push(j.matters_left_out_too_few_cases + " with too few cases");
    }
    const warnings = (s.stages && s.stages.warnings) || [];
    if (warnings.length) parts.push("warnings: " + warnings.join("; "));
    return parts.join(" · ");
  }

  async function showResults(run) {
    const id = run.id;
    try {
      const table = await (await api("GET", "/runs/" + id + "/results/turnaround")).json();
      if (id !== current) return;
      const judging = (run.summary && run.summary.judging) || {};
      minCases = judging.min_cases_all_replications || 20;
      replications = run.replications;
      $("min-cases").textContent = String(minCases);
      matters = table.rows.slice().sort(missFirst);
      showAll = false;
      $("summary-line").textContent = summaryText(run);
      showMatters();
      $("results-section").hidden = false;
    } catch (err) { showError($("run-error"), err); }
    $("report-section").hidden = false;
    $("report-status").textContent = "Rendering the report…";
    clear($("report-error"));
    try {
      const html = await (await api("GET", "/runs/" + id + "/report.html")).text();
      if (id !== current) return;
      $("report").srcdoc = html;
      if (reportUrl) URL.revokeObjectURL(reportUrl);
      reportUrl = URL.createObjectURL(new Blob([html], { type: "text/html" }));
      $("save-report").href = reportUrl;
      $("save-report").download = "report-run-" + id + ".html";
      $("report-status").textContent = "";
    } catch (err) {
      $("report-status").textContent = "";
      showError($("report-error"), err);
    }
  }

  // -- start -----------------------------------------------------------------------------
  $("key").value = key();
  checkKey(true).then((ok) => {
    const match = /^#run=(\d+)$/.exec(location.hash);
    if (ok && match) watch(Number(match[1]));
  });
})();
