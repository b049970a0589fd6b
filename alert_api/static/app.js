// breachwatch dashboard: live breach alerts over the socket feed, no build step.
// The token lives in sessionStorage (this tab only); every text shown goes through textContent.

import { renderTrends } from "./trends.js";

const $ = (id) => document.getElementById(id);
const TOAST_MS = 8000;
const PING_MS = 25000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 30000;

const state = {
  token: sessionStorage.getItem("breachwatch.token"),
  alerts: new Map(), // alert_id -> alert message
  filter: "all",
  socket: null,
  attempt: 0,
  pingTimer: null,
  retryTimer: null,
  unread: 0,
};

// ---- REST -----------------------------------------------------------------------------------

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { Authorization: `Bearer ${state.token}`, "Content-Type": "application/json" },
  });
  if (response.status === 401) {
    signOut("Your token was refused or has expired.");
    throw new Error("unauthorized");
  }
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.status === 204 ? null : response.json();
}

async function loadAlerts() {
  const page = await api("/api/alerts?page_size=200");
  for (const alert of page.items) state.alerts.set(alert.alert_id, alert);
  const { count } = await api("/api/alerts/unread-count");
  setUnread(count);
  render();
}

// Admins see the weekly trend analysis; for other users the endpoint answers 403 and the
// section stays hidden.
async function loadTrends() {
  const response = await fetch("/api/admin/patterns", {
    headers: { Authorization: `Bearer ${state.token}` },
  });
  if (!response.ok) return;
  const analysis = await response.json();
  if (!analysis.patterns.length) return;
  $("trends-date").textContent = analysis.analysis_date ? `(${analysis.analysis_date})` : "";
  renderTrends($("trend-charts"), analysis);
  $("trends").hidden = false;
}

// ---- socket ---------------------------------------------------------------------------------

function maxAlertId() {
  let max = 0;
  for (const id of state.alerts.keys()) max = Math.max(max, id);
  return max;
}

function setConnection(kind, text) {
  const badge = $("connection");
  badge.dataset.state = kind;
  badge.textContent = text ?? kind;
}

function connect() {
  clearTimeout(state.retryTimer);
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const since = maxAlertId();
  const url = `${scheme}://${location.host}/ws/alerts${since ? `?since=${since}` : ""}`;
  setConnection(state.attempt ? "reconnecting" : "connecting");
  const socket = new WebSocket(url, ["bearer", state.token]);
  state.socket = socket;
  socket.onopen = () => {
    state.attempt = 0;
    setConnection("connected");
    clearInterval(state.pingTimer);
    state.pingTimer = setInterval(() => send({ type: "ping", timestamp: Date.now() }), PING_MS);
  };
  socket.onmessage = (event) => onFrame(JSON.parse(event.data));
  socket.onclose = (event) => {
    clearInterval(state.pingTimer);
    if (state.socket !== socket || !state.token) return;
    if (event.code === 4401) return signOut("Your token was refused or has expired.");
    scheduleReconnect();
  };
}

function scheduleReconnect() {
  // Exponential backoff with jitter, capped: a restarted server is not hit by every tab at once.
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** state.attempt);
  const delay = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  state.attempt += 1;
  setConnection("reconnecting", `reconnecting in ${(delay / 1000).toFixed(1)} s`);
  state.retryTimer = setTimeout(connect, delay);
}

function send(message) {
  if (state.socket && state.socket.readyState === WebSocket.OPEN) {
    state.socket.send(JSON.stringify(message));
    return true;
  }
  return false;
}

function onFrame(frame) {
  switch (frame.type) {
    case "connection_established":
      send({ type: "get_unread_count" });
      break;
    case "breach_alert": {
      const alert = frame.message;
      if (state.alerts.has(alert.alert_id)) break;
      state.alerts.set(alert.alert_id, alert);
      if (!alert.is_read) setUnread(state.unread + 1);
      toast(alert);
      render();
      break;
    }
    case "alert_update": {
      const alert = state.alerts.get(frame.message.alert_id);
      if (alert) {
        if (frame.message.update_type === "resolved") alert.is_resolved = true;
        alert.is_read = true;
        render();
      }
      send({ type: "get_unread_count" });
      break;
    }
    case "unread_count":
      setUnread(frame.count);
      break;
    case "system_notification":
      console.info("breachwatch:", frame.message);
      break;
    case "error":
      console.warn("breachwatch socket error:", frame.code, frame.message);
      break;
    default:
      break;
  }
}

// ---- view -----------------------------------------------------------------------------------

function setUnread(count) {
  state.unread = Math.max(0, count);
  $("unread").textContent = String(state.unread);
}

function visible(alert) {
  if (state.filter === "unread") return !alert.is_read;
  if (state.filter === "critical") return alert.severity === "CRITICAL" || alert.severity === "HIGH";
  return true;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function render() {
  const list = $("alerts");
  const items = [...state.alerts.values()].filter(visible).sort((a, b) => b.alert_id - a.alert_id);
  list.replaceChildren(...items.map(card));
  $("empty").hidden = items.length > 0;
}

function card(alert) {
  const item = el("li", `alert sev-${alert.severity}${alert.is_read ? "" : " unread"}`);
  item.dataset.alertId = String(alert.alert_id);
  const title = el("div", "title");
  title.append(el("span", `sev sev-${alert.severity}`, alert.severity), " ", alert.title);
  const meta = el("div", "meta",
    `${alert.domain ?? "unknown domain"} · ${alert.masked_email ?? ""} · ` +
    `${Math.round(alert.confidence * 100)}% · ${new Date(alert.detected_at).toLocaleString()}` +
    (alert.is_resolved ? " · resolved" : ""));
  title.append(meta);
  const details = el("button", "details", "Details");
  details.onclick = () => showDetails(alert.alert_id);
  item.append(title, details);
  if (!alert.is_read) {
    const read = el("button", "mark-read", "Mark read");
    read.onclick = () => markRead(alert.alert_id);
    item.append(read);
  }
  return item;
}

function toast(alert) {
  const node = el("div", `toast sev-${alert.severity}`);
  node.dataset.alertId = String(alert.alert_id);
  node.append(el("strong", "", `${alert.severity}: ${alert.title}`), el("div", "", alert.domain ?? ""));
  node.onclick = () => { node.remove(); showDetails(alert.alert_id); };
  $("toasts").append(node);
  setTimeout(() => node.remove(), TOAST_MS);
}

function showDetails(alertId) {
  const alert = state.alerts.get(alertId);
  if (!alert) return;
  $("details-title").textContent = alert.title;
  $("details-severity").textContent = alert.severity;
  $("details-severity").className = `sev sev-${alert.severity}`;
  $("details-confidence").textContent = `${Math.round(alert.confidence * 100)}% confidence`;
  $("details-detected").textContent = new Date(alert.detected_at).toLocaleString();
  $("details-domain").textContent = alert.domain ?? "—";
  $("details-email").textContent = alert.masked_email ?? "—";
  $("details-classes").textContent = (alert.data_classes ?? []).join(", ") || "—";
  $("details-source").textContent = alert.source ?? "—";
  $("details-actions").replaceChildren(...(alert.recommended_actions ?? []).map((a) => el("li", "", a)));
  $("details-read").onclick = () => markRead(alertId);
  $("details-resolve").onclick = () => resolve(alertId);
  $("details").showModal();
}

async function markRead(alertId) {
  const alert = state.alerts.get(alertId);
  if (!alert || alert.is_read) return;
  if (!send({ type: "mark_read", alert_id: alertId })) {
    await api(`/api/alerts/${alertId}/read`, { method: "POST" });
    alert.is_read = true;
    setUnread(state.unread - 1);
    render();
  }
}

async function resolve(alertId) {
  const updated = await api(`/api/alerts/${alertId}/resolve`, { method: "POST" });
  const alert = state.alerts.get(alertId);
  if (alert && !alert.is_read) setUnread(state.unread - 1);
  state.alerts.set(alertId, updated);
  render();
}

// ---- session --------------------------------------------------------------------------------

async function signIn(token) {
  state.token = token.trim();
  sessionStorage.setItem("breachwatch.token", state.token);
  $("sign-in-error").textContent = "";
  try {
    await loadAlerts();
  } catch (error) {
    return;
  }
  $("sign-in").hidden = true;
  $("dashboard").hidden = false;
  $("sign-out").hidden = false;
  connect();
  loadTrends().catch(() => {});
}

function signOut(message = "") {
  state.token = null;
  sessionStorage.removeItem("breachwatch.token");
  clearTimeout(state.retryTimer);
  clearInterval(state.pingTimer);
  const socket = state.socket;
  state.socket = null;
  if (socket) socket.close(1000, "signed out");
  state.alerts.clear();
  setConnection("offline");
  $("sign-in").hidden = false;
  $("dashboard").hidden = true;
  $("sign-out").hidden = true;
  $("sign-in-error").textContent = message;
}

$("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  signIn($("token-input").value);
});

$("password-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const response = await fetch("/api/auth/token", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: $("email-input").value, password: $("password-input").value }),
  });
  if (!response.ok) {
    $("sign-in-error").textContent = response.status === 429
      ? "Too many attempts; wait a minute." : "Wrong e-mail or password.";
    return;
  }
  signIn((await response.json()).access_token);
});

$("sign-out").addEventListener("click", () => signOut());

for (const button of document.querySelectorAll(".filters button")) {
  button.addEventListener("click", () => {
    state.filter = button.dataset.filter;
    for (const other of document.querySelectorAll(".filters button")) {
      other.classList.toggle("active", other === button);
    }
    render();
  });
}

if (state.token) signIn(state.token);
