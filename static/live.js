// The one websocket connection of a Roadshow page (protocol: docs/protocol.md).
//
// - snapshot on every (re)connect, then updates in `seq` order; a gap asks for a fresh snapshot;
// - an application heartbeat (browsers send no protocol pings): ping every 10 s, and a connection
//   that has been silent for 20 s is treated as dead (phones that sleep or change Wi-Fi often never
//   fire `close`);
// - reconnection with exponential backoff and full jitter, and at once on `online` and when the page
//   becomes visible again;
// - an outbox of commands kept in localStorage until the server acknowledges them, resent after
//   every reconnect and after a reload. The server applies each command id at most once.

const PING_EVERY_MS = 10_000;
const DEAD_AFTER_MS = 20_000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 10_000;
const CLOSE_RELOAD = 4300; // app/season/dispatch.py: "load this page again" (docs/protocol.md)

// Where this page's event lives: "" for a server of one event, "/e/<slug>" for an event of a season
// folder (the server writes it on <html data-base>). Every fetch, link and socket path goes through url().
const ROOT = typeof document !== "undefined" && document.documentElement ? document.documentElement.dataset || {} : {};
const BASE = (ROOT.base || "").replace(/\/$/, "");

/** `path` (from the event's root, e.g. "/host/setup/save") below this page's prefix. */
export function url(path) {
  return BASE + path;
}

/** A key suffix for browser storage that tells one event of a season from another ("" alone). */
export function eventKey(key) {
  const event = ROOT.event || "";
  return event ? `${key}@${event}` : key;
}

function newId() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export class LiveConnection {
  /**
   * @param {object} options
   * @param {string} options.path        websocket path, e.g. "/ws/judge/<token>"
   * @param {string} [options.outboxKey] localStorage key for unacknowledged commands
   * @param {(view: object, changed: string[], kind: string) => void} [options.onView]
   * @param {(status: string) => void} [options.onStatus]  connecting | online | reconnecting | offline | unauthorized
   * @param {(ack: object, command: object) => void} [options.onAck]
   * @param {(error: object) => void} [options.onError]
   */
  constructor(options) {
    this.options = options;
    this.view = {};
    this.seq = null;
    this.ws = null;
    this.status = "connecting";
    this.attempt = 0;
    this.lastFrameAt = 0;
    this.serverOffset = 0; // seconds to add to the local clock to get the server's
    this.waiters = new Map(); // command id -> {resolve, reject}
    this.outbox = this._loadOutbox();
    this.stopped = false;
    this._timer = null;
    this._heartbeat = null;
  }

  start() {
    window.addEventListener("online", () => this._reconnectNow());
    window.addEventListener("offline", () => this._goOffline());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this._checkAlive();
    });
    this._connect();
    this._heartbeat = setInterval(() => this._tick(), 1000);
  }

  /** Server time in seconds (Unix), from the local clock corrected by the last server stamp. */
  serverNow() {
    return Date.now() / 1000 + this.serverOffset;
  }

  /**
   * Send a command. It is stored in the outbox first, so it survives a reload or a dead network,
   * and the promise resolves with the server's ack once the change is committed.
   */
  command(name, args = {}) {
    const entry = { type: "cmd", id: newId(), cmd: name, args, queuedAt: Date.now() };
    this.outbox.push(entry);
    this._saveOutbox();
    const promise = new Promise((resolve, reject) => this.waiters.set(entry.id, { resolve, reject }));
    this._sendRaw(entry);
    return promise;
  }

  /**
   * Send an audience vote (docs/protocol.md, "Audience votes"): kept in the outbox like a command and
   * resent with the same id after a reconnect or a reload, until the server acknowledges it.
   */
  vote(fields) {
    const entry = { type: "vote", id: newId(), ...fields, queuedAt: Date.now() };
    this.outbox.push(entry);
    this._saveOutbox();
    const promise = new Promise((resolve, reject) => this.waiters.set(entry.id, { resolve, reject }));
    this._sendRaw(entry);
    return promise;
  }

  /** Commands not yet acknowledged (e.g. to show "not saved yet" after a reload). */
  pending() {
    return this.outbox.slice();
  }

  send(message) {
    this._sendRaw(message);
  }

  // ------------------------------------------------------------------ internals
  _url() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${location.host}${url(this.options.path)}`;
  }

  _connect() {
    if (this.stopped) return;
    clearTimeout(this._timer);
    this._setStatus(this.attempt === 0 && this.seq === null ? "connecting" : "reconnecting");
    let ws;
    try {
      ws = new WebSocket(this._url());
    } catch (err) {
      this._scheduleReconnect();
      return;
    }
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    this.lastFrameAt = Date.now();
    ws.onopen = () => {
      this.lastFrameAt = Date.now();
    };
    ws.onmessage = (event) => {
      if (ws !== this.ws) return;
      this.lastFrameAt = Date.now();
      let message;
      try {
        const text = typeof event.data === "string" ? event.data : new TextDecoder().decode(event.data);
        message = JSON.parse(text);
      } catch (err) {
        return;
      }
      this._receive(message);
    };
    ws.onclose = (event) => {
      if (ws !== this.ws) return;
      this.ws = null;
      if (event.code === CLOSE_RELOAD) {
        // the season changed what this page shows (docs/protocol.md, 4300): the live event under this short
        // URL (/board), or this event was archived or reopened (its host console): load the page again
        this.stopped = true;
        location.reload();
        return;
      }
      if (event.code === 4401 || event.code === 4403) {
        this.stopped = true;
        this._setStatus("unauthorized");
        return;
      }
      this._scheduleReconnect();
    };
    ws.onerror = () => {
      /* onclose follows */
    };
  }

  _goOffline() {
    // The device says the network is gone: the socket cannot carry anything now, even if the
    // browser has not noticed yet. Drop it; commands wait in the outbox until `online`.
    const old = this.ws;
    this.ws = null;
    if (old) {
      try {
        old.close();
      } catch (err) {
        /* already closing */
      }
    }
    clearTimeout(this._timer);
    this._setStatus("offline");
    // Keep trying slowly in case the `online` event never comes (some phones never send it).
    this._timer = setTimeout(() => this._connect(), BACKOFF_MAX_MS);
  }

  _scheduleReconnect() {
    if (this.stopped) return;
    this._setStatus(navigator.onLine === false ? "offline" : "reconnecting");
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** this.attempt);
    const delay = Math.random() * ceiling; // full jitter: a hall of phones does not reconnect in step
    this.attempt += 1;
    clearTimeout(this._timer);
    this._timer = setTimeout(() => this._connect(), delay);
  }

  _reconnectNow() {
    if (this.stopped) return;
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this._checkAlive();
      return;
    }
    this.attempt = 0;
    if (this.ws) {
      const old = this.ws;
      this.ws = null;
      try {
        old.close();
      } catch (err) {
        /* already closing */
      }
    }
    this._connect();
  }

  _checkAlive() {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
      this._reconnectNow();
      return;
    }
    // After sleep the socket may look open but be dead: ping now, and the silence check decides.
    this._sendRaw({ type: "ping", t: Date.now() });
  }

  _tick() {
    if (!this.ws) return;
    const now = Date.now();
    if (this.ws.readyState === WebSocket.OPEN) {
      if (now - this.lastFrameAt > DEAD_AFTER_MS) {
        const dead = this.ws;
        this.ws = null;
        try {
          dead.close();
        } catch (err) {
          /* ignore */
        }
        this._scheduleReconnect();
        return;
      }
      if (!this._lastPing || now - this._lastPing >= PING_EVERY_MS) {
        this._lastPing = now;
        this._sendRaw({ type: "ping", t: now });
      }
    }
  }

  _sendRaw(message) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    const { queuedAt, ...wire } = message;
    try {
      this.ws.send(JSON.stringify(wire));
      return true;
    } catch (err) {
      return false;
    }
  }

  _receive(message) {
    if (typeof message.server_now === "number") {
      this.serverOffset = message.server_now - Date.now() / 1000;
    }
    switch (message.type) {
      case "snapshot":
        this.view = message.sections || {};
        this.seq = message.seq;
        this.attempt = 0;
        this._setStatus("online");
        this._emit(Object.keys(this.view), "snapshot");
        this._flushOutbox();
        break;
      case "update":
        if (this.seq === null || message.seq <= this.seq) return;
        if (message.seq !== this.seq + 1) {
          this.seq = null; // ignore further updates until the snapshot arrives
          this._sendRaw({ type: "resync" });
          return;
        }
        this.seq = message.seq;
        Object.assign(this.view, message.sections);
        this._emit(Object.keys(message.sections), "update");
        break;
      case "ack":
        this._acknowledged(message);
        break;
      case "pong":
        if (this.seq !== null) this._setStatus("online");
        break;
      case "error":
        // A rate-limited command got no ack: send the outbox again once the limit has refilled.
        if (message.error && message.error.code === "rate_limited") {
          clearTimeout(this._retryTimer);
          this._retryTimer = setTimeout(() => this._flushOutbox(), 1000 + Math.random() * 1000);
        }
        if (this.options.onError) this.options.onError(message.error || {});
        break;
      default:
        break;
    }
  }

  _emit(changed, kind) {
    if (this.options.onView) this.options.onView(this.view, changed, kind);
  }

  _acknowledged(ack) {
    const index = this.outbox.findIndex((c) => c.id === ack.id);
    const command = index >= 0 ? this.outbox[index] : null;
    if (index >= 0) {
      this.outbox.splice(index, 1);
      this._saveOutbox();
    }
    const waiter = this.waiters.get(ack.id);
    this.waiters.delete(ack.id);
    if (this.options.onAck) this.options.onAck(ack, command);
    if (waiter) {
      if (ack.ok) waiter.resolve(ack);
      else waiter.reject(ack.error || { code: "error", message: "error" });
    }
  }

  _flushOutbox() {
    for (const entry of this.outbox) this._sendRaw(entry);
  }

  _loadOutbox() {
    if (!this.options.outboxKey) return [];
    try {
      const saved = JSON.parse(localStorage.getItem(this.options.outboxKey) || "[]");
      return Array.isArray(saved) ? saved.filter((c) => c && (c.type === "cmd" || c.type === "vote") && c.id) : [];
    } catch (err) {
      return [];
    }
  }

  _saveOutbox() {
    if (!this.options.outboxKey) return;
    try {
      localStorage.setItem(this.options.outboxKey, JSON.stringify(this.outbox));
    } catch (err) {
      /* private mode or quota: the in-memory outbox still works until a reload */
    }
  }

  _setStatus(status) {
    if (this.status === status) return;
    this.status = status;
    if (this.options.onStatus) this.options.onStatus(status);
  }
}

/** Remaining seconds of a timer section entry at server time `now`. */
export function timerRemaining(timer, now) {
  if (!timer) return 0;
  const running = timer.running && timer.started_at ? Math.max(0, now - timer.started_at) : 0;
  return timer.duration - timer.elapsed_before - running;
}

/** "mm:ss", with a leading "+" for overtime. */
export function formatClock(seconds) {
  const over = seconds < 0;
  const s = Math.abs(Math.round(seconds));
  const text = `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
  return over ? `+${text}` : text;
}

/** Translated strings handed over by the template (see app/i18n.py JS_STRINGS). */
export function strings() {
  const el = document.getElementById("i18n");
  try {
    return el ? JSON.parse(el.textContent) : {};
  } catch (err) {
    return {};
  }
}

let catalogue = null;

/** The page's translated string for `key` (the key itself when missing), with {placeholders} filled in.
 * The one translation helper every page module shares; the catalogue is the page's #i18n JSON. */
export function t(key, params) {
  if (catalogue === null) catalogue = strings();
  let text = Object.prototype.hasOwnProperty.call(catalogue, key) ? catalogue[key] : key;
  if (params) text = text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
  return text;
}

/** Build an element without innerHTML: every text from the server goes in as text, never markup. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}
