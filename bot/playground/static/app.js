// The playground's shell: who you pretend to be, the sidebar, the App Home and Messages tabs,
// the #team channel, the composer, modals and the clock. It long-polls /ui/state and draws
// what comes back; every click or keystroke that matters is a POST to /ui/*.

import { focusFirstField, h, plainString, readState, renderBlocks, showErrors, textObject } from "./blockkit.js";
import { clock12, mrkdwnToHtml, zonedParts } from "./mrkdwn.js";

const $ = (id) => document.getElementById(id);

const ui = {
  user: new URLSearchParams(location.search).get("user"),
  state: null,
  since: null, // the version we have; null until the first answer
  generation: 0, // bumped on a user switch, so an answer for the old user is dropped
  poll: null, // the AbortController of the poll in flight
  place: { kind: "app", tab: "messages" }, // or { kind: "channel", id }
  closing: new Set(), // modals closed here that the server has not dropped yet
  modalKey: null, // view id + hash of the modal on screen: the same key is never redrawn
  homeKey: null,
  listKey: null,
  listChannel: null,
  messageNodes: new Map(), // "channel ts" → { json, node }, so unchanged messages stay put
  seen: {}, // conversation id → message count the user has seen
  atBottom: true, // the message list follows new messages while it is scrolled to the end
  usersKey: null,
  thread: null, // { channel, ts } of the thread open beside the conversation, or null
  threadKey: null,
};

// ---- server -----------------------------------------------------------------------------

async function post(path, body) {
  try {
    const response = await fetch(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    let data = null;
    try {
      data = await response.json();
    } catch {
      /* not JSON: answered below */
    }
    if (data && typeof data === "object") return data;
    return { ok: false, error: `The playground answered ${response.status}.` };
  } catch {
    return { ok: false, error: "The playground is not answering. Is it still running?" };
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let waiting = [];
/** Resolves once a state for the current user is here. */
function stateArrived() {
  return ui.state ? Promise.resolve() : new Promise((resolve) => waiting.push(resolve));
}

async function pollForever() {
  for (;;) {
    const generation = ui.generation;
    const controller = new AbortController();
    ui.poll = controller;
    const query = new URLSearchParams();
    if (ui.user) query.set("user", ui.user);
    // The first request has no `since`, so it is answered at once.
    if (ui.since != null) query.set("since", String(ui.since));
    try {
      const response = await fetch(`/ui/state?${query}`, { signal: controller.signal, cache: "no-store" });
      if (!response.ok) {
        const answer = await response.json().catch(() => null);
        throw new Error(answer?.error || `the playground answered ${response.status}`);
      }
      const state = await response.json();
      if (generation !== ui.generation) continue;
      connected(true);
      const fresh = !ui.state || state.version !== ui.state.version || state.user !== ui.state.user;
      ui.since = state.version;
      if (fresh) {
        ui.state = state;
        if (ui.user !== state.user) {
          ui.user = state.user;
          keepUserInUrl();
        }
        render();
        // Whatever was typed before the first state arrived gets its suggestions now.
        if (document.activeElement === $("composer")) suggest();
        for (const resolve of waiting.splice(0)) resolve();
      } else if (state.now !== ui.state.now || state.next_nudge !== ui.state.next_nudge) {
        // Nothing new to see, but the clock has moved on.
        Object.assign(ui.state, { now: state.now, next_nudge: state.next_nudge });
        renderTopbar();
      }
    } catch (error) {
      if (generation !== ui.generation) continue; // aborted by a user switch
      connected(false, error.message);
      await sleep(1000);
    }
  }
}

function connected(yes, why = "") {
  const banner = $("connection");
  banner.hidden = yes;
  banner.textContent = yes ? "" : `Cannot reach the playground (${why || "no answer"}); retrying…`;
}

function keepUserInUrl() {
  const url = new URL(location.href);
  url.searchParams.set("user", ui.user);
  history.replaceState(null, "", url);
}

// ---- the state, read --------------------------------------------------------------------

function me() {
  const s = ui.state;
  return (s?.users || []).find((u) => u.id === s.user) || { id: s?.user, real_name: s?.user, tz: "UTC" };
}

function teamChannel() {
  return ui.state?.channels?.[0] || { id: "C0TEAM", name: "team" };
}

/** The conversation on screen (the app's DM or the channel), or null on the Home tab. */
function currentConversation() {
  if (ui.place.kind === "channel") return ui.place.id;
  return ui.place.tab === "messages" ? ui.state?.dm_channel : null;
}

function context(extra = {}) {
  const s = ui.state;
  return {
    users: s?.users || [],
    channels: s?.channels || [],
    tz: me().tz || "UTC",
    now: s?.now ? new Date(s.now) : new Date(),
    confirm: confirmDialog,
    ...extra,
  };
}

// ---- times ------------------------------------------------------------------------------

const SHORT_DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const LONG_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const SHORT_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const LONG_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const two = (n) => String(n).padStart(2, "0");

/** "Thu 27 Nov, 09:00" in `tz`. */
function shortMoment(date, tz) {
  const p = zonedParts(date, tz);
  return `${SHORT_DAYS[p.weekday]} ${p.day} ${SHORT_MONTHS[p.month - 1]}, ${two(p.hour)}:${two(p.minute)}`;
}

/** A message's time as Slack shows it: "9:00 AM". */
function clockTime(date, tz) {
  return clock12(zonedParts(date, tz));
}

/** "in 3 h 20 min", "in 2 days": how far off `later` is from the playground's `now`. */
function fromNow(later, now) {
  const minutes = Math.round((later - now) / 60000);
  if (minutes <= 0) return "due now";
  if (minutes < 60) return `in ${minutes} min`;
  if (minutes < 48 * 60) {
    const rest = minutes % 60;
    return `in ${Math.floor(minutes / 60)} h${rest ? ` ${rest} min` : ""}`;
  }
  return `in ${Math.round(minutes / 1440)} days`;
}

function dayLabel(date, tz, now) {
  const p = zonedParts(date, tz);
  const key = (q) => `${q.year}-${q.month}-${q.day}`;
  if (key(p) === key(zonedParts(now, tz))) return "Today";
  if (key(p) === key(zonedParts(new Date(now.getTime() - 86400000), tz))) return "Yesterday";
  return `${LONG_DAYS[p.weekday]}, ${p.day} ${LONG_MONTHS[p.month - 1]}`;
}

// ---- drawing ----------------------------------------------------------------------------

function render() {
  if (!ui.state) return;
  renderTopbar();
  renderSidebar();
  renderPane();
  renderThread();
  renderModal();
}

function renderTopbar() {
  const s = ui.state;
  const who = me();
  const tz = who.tz || "UTC";
  $("clock-now").textContent = s.now ? `${shortMoment(new Date(s.now), tz)} in ${tz}` : "";
  // Relative, so the header's only clock time is the playground's own; the exact time is
  // in the tooltip.
  const next = s.next_nudge ? new Date(s.next_nudge) : null;
  const event = s.next_event ? new Date(s.next_event.at) : null;
  let said = next ? `Next nudge ${fromNow(next, new Date(s.now))}` : "No nudge planned";
  // Anything sooner (someone's nudge, a snooze ending, a close, a reminder) is said first:
  // a jump stops there on its way.
  if (event && (!next || event < next)) said = `Next: ${s.next_event.what} ${fromNow(event, new Date(s.now))} · ${said}`;
  $("clock-next").textContent = said;
  $("clock-next").title = [event ? `${s.next_event.what}: ${shortMoment(event, tz)}` : "", next ? `your nudge: ${shortMoment(next, tz)}` : ""].filter(Boolean).join(" · ") + ` (${tz})`;
  const select = $("user-select");
  const usersKey = JSON.stringify(s.users || []);
  if (usersKey !== ui.usersKey) {
    ui.usersKey = usersKey;
    select.replaceChildren(...(s.users || []).map((u) => h("option", { value: u.id }, u.real_name || u.name || u.id)));
  }
  select.value = s.user;
  $("whoami-avatar").textContent = initials(who.real_name || who.name || who.id);
  $("whoami-avatar").style.background = colourFor(who.id);
  $("whoami-tz").textContent = tz;
}

function renderSidebar() {
  const s = ui.state;
  const inApp = ui.place.kind === "app";
  for (const [id, current] of [["nav-app", inApp], ["nav-team", !inApp]]) {
    if (current) $(id).setAttribute("aria-current", "page");
    else $(id).removeAttribute("aria-current");
  }
  $("nav-team").textContent = `# ${teamChannel().name}`;
  // Unread: messages that arrived in a conversation that is not on screen.
  const showing = currentConversation();
  for (const [id, badge, button] of [[s.dm_channel, "badge-app", "nav-app"], [teamChannel().id, "badge-team", "nav-team"]]) {
    const count = (s.conversations?.[id] || []).length;
    if (id === showing || ui.seen[id] === undefined || count < ui.seen[id]) ui.seen[id] = count;
    const unread = count - ui.seen[id];
    $(badge).hidden = unread <= 0;
    $(badge).textContent = unread > 0 ? String(unread) : "";
    $(button).classList.toggle("unread", unread > 0);
  }
}

function renderPane() {
  const inApp = ui.place.kind === "app";
  const onHome = inApp && ui.place.tab === "home";
  $("pane-title").textContent = inApp ? "ask-team" : `# ${teamChannel().name}`;
  $("pane-title").classList.toggle("app-title", inApp);
  $("tabs").hidden = !inApp;
  $("tab-home").setAttribute("aria-selected", String(onHome));
  $("tab-messages").setAttribute("aria-selected", String(inApp && !onHome));
  $("home-pane").hidden = !onHome;
  $("messages-pane").hidden = onHome;
  // The Messages tab is a tabpanel only while it sits under the tabs.
  if (inApp) {
    $("messages-pane").setAttribute("role", "tabpanel");
    $("messages-pane").setAttribute("aria-labelledby", "tab-messages");
  } else {
    $("messages-pane").removeAttribute("role");
    $("messages-pane").removeAttribute("aria-labelledby");
  }
  $("composer").placeholder = inApp ? "Type /ask-team to use ask-team" : `Message #${teamChannel().name}`;
  // Only what is on screen is in the page, as in Slack: a hidden tab keeps no copy of its text.
  if (onHome) {
    clearMessages();
    renderHome();
  } else {
    $("home-pane").replaceChildren();
    ui.homeKey = null;
    renderMessages(currentConversation());
  }
}

function clearMessages() {
  $("message-list").replaceChildren();
  Object.assign(ui, { listKey: null, listChannel: null, messageNodes: new Map() });
}

function renderHome() {
  const home = ui.state.home;
  const key = JSON.stringify([home, ui.state.users, ui.state.now]);
  if (key === ui.homeKey) return;
  ui.homeKey = key;
  const pane = $("home-pane");
  if (!home) {
    pane.replaceChildren(h("p", { class: "empty" }, "Opening the Home tab…"));
    return;
  }
  const ctx = context({ onAction: (action) => sendAction("home", { view_id: home.id }, action, readState(pane)) });
  pane.replaceChildren(h("div", { class: "home-view" }, renderBlocks(home.blocks, ctx)));
}

function renderMessages(channel) {
  const list = $("message-list");
  const messages = ui.state.conversations?.[channel] || [];
  const key = JSON.stringify([channel, messages, ui.state.users, me().tz]);
  if (key === ui.listKey) return;
  const switched = ui.listChannel !== channel;
  ui.listKey = key;
  ui.listChannel = channel;
  const tz = me().tz || "UTC";
  const now = ui.state.now ? new Date(ui.state.now) : new Date();
  const nodes = [];
  const kept = new Map();
  let lastDay = null;
  // As in Slack, a thread's replies stay in the thread: the conversation shows how many.
  const replies = repliesByThread(messages);
  for (const message of messages.filter((m) => !isReply(m))) {
    const when = new Date(Number(message.ts) * 1000);
    const day = dayLabel(when, tz, now);
    if (day !== lastDay) {
      nodes.push(h("div", { class: "day-divider", role: "separator" }, h("span", {}, day)));
      lastDay = day;
    }
    const id = `${channel} ${message.ts}`;
    const count = (replies.get(message.ts) || []).length;
    const json = JSON.stringify([message, count]);
    const old = ui.messageNodes.get(id);
    const node = old && old.json === json ? old.node : renderMessage(message, channel, count);
    kept.set(id, { json, node });
    nodes.push(node);
  }
  ui.messageNodes = kept;
  if (!messages.length) nodes.push(emptyConversation(channel));
  list.replaceChildren(...nodes);
  if (switched || ui.atBottom) list.scrollTop = list.scrollHeight;
}

function emptyConversation(channel) {
  const inDm = channel === ui.state.dm_channel;
  return h("div", { class: "empty" },
    h("p", {}, inDm ? "This is your conversation with ask-team." : `This is the very beginning of #${teamChannel().name}.`),
    h("p", {}, "Try ", h("code", {}, "/ask-team"), " in the composer below to get a question for your team."));
}

const BOT = { name: "ask-team" };

function isReply(message) {
  return Boolean(message.thread_ts) && message.thread_ts !== message.ts;
}

/** thread ts → its replies, oldest first. */
function repliesByThread(messages) {
  const threads = new Map();
  for (const message of messages.filter(isReply)) {
    if (!threads.has(message.thread_ts)) threads.set(message.thread_ts, []);
    threads.get(message.thread_ts).push(message);
  }
  return threads;
}

function openThread(channel, ts) {
  ui.thread = { channel, ts };
  ui.threadKey = null;
  render();
  $("thread-close").focus();
}

function closeThread() {
  ui.thread = null;
  render();
}

/** The thread open beside the conversation: its first message, then every reply. */
function renderThread() {
  const pane = $("thread-pane");
  const open = ui.thread && ui.thread.channel === currentConversation() ? ui.thread : null;
  pane.hidden = !open;
  if (!open) {
    ui.threadKey = null;
    $("thread-list").replaceChildren();
    return;
  }
  const messages = ui.state.conversations?.[open.channel] || [];
  const parent = messages.find((m) => m.ts === open.ts);
  const replies = repliesByThread(messages).get(open.ts) || [];
  const key = JSON.stringify([parent, replies, ui.state.users, me().tz]);
  if (key === ui.threadKey) return;
  ui.threadKey = key;
  const where = open.channel === ui.state.dm_channel ? "ask-team" : `# ${teamChannel().name}`;
  $("thread-where").textContent = where;
  const count = replies.length;
  $("thread-list").replaceChildren(
    parent ? renderMessage(parent, open.channel, 0) : h("p", { class: "empty" }, "This message is no longer here."),
    h("div", { class: "thread-count", role: "separator" }, h("span", {}, `${count} ${count === 1 ? "reply" : "replies"}`)),
    ...replies.map((reply) => renderMessage(reply, open.channel, 0)),
  );
}

function renderMessage(message, channel, replyCount = 0) {
  const ctx = context({ onAction: (action) => sendAction("message", { channel, ts: message.ts }, action) });
  const when = new Date(Number(message.ts) * 1000);
  const tz = me().tz || "UTC";
  const time = h("time", { datetime: when.toISOString(), title: shortMoment(when, tz) }, clockTime(when, tz));
  const content = message.blocks && message.blocks.length ? withFallback(renderBlocks(message.blocks, ctx), message.text, ctx) : mrkdwnBlock(message.text, ctx);
  if (message.author === "system") {
    return h("div", { class: "message system", "data-ts": message.ts },
      h("div", { class: "avatar system-avatar", "aria-hidden": "true" }, "!"),
      h("div", { class: "message-body" },
        h("div", { class: "message-meta" }, h("span", { class: "author" }, "Playground"), " ", time),
        content));
  }
  const isBot = message.author === "bot";
  const person = (ui.state.users || []).find((u) => u.id === message.user);
  const name = isBot ? BOT.name : person?.real_name || person?.name || message.user || "Someone";
  const avatar = isBot
    ? h("div", { class: "avatar bot-avatar", "aria-hidden": "true" }, "at")
    : h("div", { class: "avatar", "aria-hidden": "true", style: `background:${colourFor(message.user || "")}` }, initials(name));
  return h("div", { class: `message${message.ephemeral ? " ephemeral" : ""}`, "data-ts": message.ts },
    avatar,
    h("div", { class: "message-body" },
      message.ephemeral
        ? h("div", { class: "ephemeral-note" }, h("span", { "aria-hidden": "true", class: "eye" }, "◉"), h("span", {}, "Only visible to you"))
        : null,
      h("div", { class: "message-meta" },
        h("span", { class: "author" }, name),
        isBot ? h("span", { class: "app-tag" }, "APP") : null,
        " ", time),
      content,
      files(message.files),
      replyCount > 0
        ? h("button", { type: "button", class: "thread-link", onclick: () => openThread(channel, message.ts) },
            `${replyCount} ${replyCount === 1 ? "reply" : "replies"}`)
        : null));
}

// Slack reads a message's `text` to screen readers and shows it in notifications; when the
// blocks do not already say it, it stays in the message, visually hidden.
function withFallback(blocks, text, ctx) {
  if (!text) return blocks;
  const said = mrkdwnBlock(text, ctx);
  const words = (node) => node.textContent.replace(/\s+/g, " ").trim();
  if (words(blocks).includes(words(said))) return blocks;
  said.classList.add("visually-hidden");
  return h("div", {}, said, blocks);
}

function mrkdwnBlock(text, ctx) {
  const div = h("div", { class: "mrkdwn message-text" });
  div.innerHTML = mrkdwnToHtml(text, ctx); // escaped by mrkdwn.js
  return div;
}

function files(list) {
  if (!list || !list.length) return null;
  return h("div", { class: "files" }, list.map((file) => {
    const url = String(file.url || "");
    // Only the playground's own /files/… paths: the page is offline and same-origin.
    if (!url.startsWith("/") || url.startsWith("//")) return h("div", { class: "file" }, file.name || "file");
    if (String(file.mimetype || "").startsWith("image/")) {
      return h("figure", { class: "file file-image" },
        h("img", { src: url, alt: file.title || file.name || "" }),
        file.title ? h("figcaption", {}, file.title) : null);
    }
    return h("div", { class: "file file-download" },
      h("span", { class: "file-icon", "aria-hidden": "true" }, "⇩"),
      h("a", { href: url, download: file.name || "" }, file.name || "download"),
      file.title && file.title !== file.name ? h("span", { class: "file-title" }, file.title) : null);
  }));
}

const PALETTE = ["#2eb67d", "#e01e5a", "#36c5f0", "#ecb22e", "#1264a3", "#9c27b0", "#e8912d", "#4a154b"];

function colourFor(id) {
  let sum = 0;
  for (const ch of String(id)) sum = (sum * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[sum % PALETTE.length];
}

function initials(name) {
  return String(name || "?").split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0].toUpperCase()).join("");
}

// ---- actions ----------------------------------------------------------------------------

async function sendAction(surface, where, action, values) {
  const body = { user: ui.user, surface, action, ...where };
  if (values) body.state = { values };
  const answer = await post("/ui/action", body);
  if (!answer.ok) {
    const error = answer.error || "The click did not go through.";
    if (surface === "message") composerNotice(error, true);
    else toast(error);
  }
}

function composerNotice(text, isError = false) {
  const notice = $("composer-notice");
  notice.textContent = text || "";
  notice.classList.toggle("error", Boolean(isError));
}

let toastTimer;
function toast(text) {
  const el = $("toast");
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, 4000);
}

// ---- modals -----------------------------------------------------------------------------

function renderModal() {
  const modals = ui.state.modals || [];
  // Forget closes the server has carried out.
  for (const id of [...ui.closing]) if (!modals.some((m) => m.id === id)) ui.closing.delete(id);
  // Closing a view closes those pushed on top of it too.
  const cut = modals.findIndex((m) => ui.closing.has(m.id));
  const open = cut < 0 ? modals : modals.slice(0, cut);
  const top = open[open.length - 1];
  const root = $("modal-root");
  if (!top) {
    if (ui.modalKey) {
      root.replaceChildren();
      ui.modalKey = null;
      $("composer").focus();
    }
    return;
  }
  // Redraw only for another view: errors coming back must not wipe what was typed.
  const key = JSON.stringify([top.id, top.view.hash ?? top.view, open.length]);
  if (key !== ui.modalKey) {
    ui.modalKey = key;
    root.replaceChildren(buildModal(top, open));
    focusFirstField(root.querySelector(".modal-body"));
  }
  const body = root.querySelector(".modal-body");
  const stray = showErrors(body, top.errors || {});
  const strayText = Object.entries(stray).map(([block, message]) => `${block}: ${message}`).join("\n");
  const banner = root.querySelector(".modal-stray-errors");
  banner.textContent = strayText;
  banner.hidden = !strayText;
}

function buildModal(modal, stack) {
  const stacked = stack.length > 1;
  const view = modal.view || {};
  const title = plainString(view.title) || "ask-team";
  const hasInputs = (view.blocks || []).some((b) => b.type === "input");
  const body = h("div", { class: "modal-body" });
  const close = () => closeModal(modal.id);
  const ctx = context({ onAction: (action) => sendAction("modal", { view_id: modal.id }, action, readState(body)) });
  body.append(h("div", { class: "modal-stray-errors", role: "alert", hidden: true }), renderBlocks(view.blocks, ctx));
  const submitText = view.submit ? plainString(view.submit) : hasInputs ? "Submit" : null;
  const submit = submitText ? h("button", { type: "submit", class: "kit-button primary" }, submitText) : null;
  const form = h("form", { class: "modal-form", novalidate: true },
    h("div", { class: "modal-header" },
      // Slack shows a back arrow on a view pushed over another.
      stacked ? h("button", { type: "button", class: "modal-back", "aria-label": "Back", onclick: close }, "‹") : null,
      h("h2", { class: "modal-title" }, title),
      // × closes every view in the stack, as Slack's does; closing the bottom one does that.
      h("button", { type: "button", class: "modal-x", "aria-label": "Dismiss", title: "Close", onclick: () => closeModal(stack[0].id) }, "×")),
    body,
    h("div", { class: "modal-footer" },
      h("button", { type: "button", class: "kit-button", onclick: close }, plainString(view.close) || "Cancel"),
      submit));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!submit || submit.disabled) return;
    submit.disabled = true;
    const answer = await post("/ui/submit", { user: ui.user, view_id: modal.id, values: readState(body) });
    submit.disabled = false;
    if (!answer.ok) toast(answer.error || "Could not submit the form.");
    else if (answer.errors) showErrors(body, answer.errors);
  });
  const dialog = h("div", { class: "modal", role: "dialog", "aria-modal": "true", "aria-label": title }, form);
  const overlay = h("div", { class: "overlay" }, dialog);
  overlay.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !document.querySelector(".confirm-overlay")) {
      event.preventDefault();
      closeModal(stack[0].id);
    }
  });
  return overlay;
}

async function closeModal(viewId) {
  ui.closing.add(viewId);
  if (ui.state) renderModal();
  const answer = await post("/ui/close", { user: ui.user, view_id: viewId });
  if (!answer.ok) {
    ui.closing.delete(viewId);
    ui.modalKey = null;
    if (ui.state) renderModal();
    toast(answer.error || "Could not close the form.");
  }
}

/** Slack's confirm object as an alertdialog; resolves true for confirm, false for deny. */
function confirmDialog(confirm) {
  return new Promise((resolve) => {
    const title = plainString(confirm.title) || "Are you sure?";
    const textId = `confirm-text-${Date.now()}`;
    const done = (answer) => {
      overlay.remove();
      previous?.focus?.();
      resolve(answer);
    };
    const previous = document.activeElement;
    const yes = h("button", { type: "button", class: `kit-button ${confirm.style === "danger" ? "danger" : "primary"}`, onclick: () => done(true) },
      plainString(confirm.confirm) || "Yes");
    const dialog = h("div", { class: "confirm", role: "alertdialog", "aria-modal": "true", "aria-label": title, "aria-describedby": textId },
      h("h2", { class: "confirm-title" }, title),
      h("div", { class: "confirm-text", id: textId }, textObject(confirm.text, context())),
      h("div", { class: "confirm-buttons" },
        h("button", { type: "button", class: "kit-button", onclick: () => done(false) }, plainString(confirm.deny) || "Cancel"),
        yes));
    const overlay = h("div", { class: "overlay confirm-overlay" }, dialog);
    overlay.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        done(false);
      }
    });
    document.body.append(overlay);
    yes.focus();
  });
}

// ---- the composer -----------------------------------------------------------------------

/** Help's `backticks` as code, the rest as text: what the suggestions show. */
function withCode(text) {
  return text.split(/`([^`]*)`/).map((part, i) => (i % 2 ? h("code", {}, part) : part));
}

const ONLY_ASK_TEAM = "Only /ask-team works here";
// The app's Messages tab is read-only in Slack (manifest.yml): it takes commands, not chat.
const READ_ONLY_DM = "Sending messages to this app has been turned off. Type /ask-team to use it.";
let sending = false;

async function send() {
  const composer = $("composer");
  const text = composer.value.trim();
  if (!text || sending) return;
  let command = null;
  if (text.startsWith("/")) {
    command = /^\/ask-team(?:\s+([\s\S]*))?$/.exec(text);
    if (!command) {
      composerNotice(ONLY_ASK_TEAM);
      return;
    }
  } else if (ui.place.kind === "app") {
    composerNotice(READ_ONLY_DM); // what was typed stays in the composer
    return;
  }
  sending = true;
  let answer;
  try {
    // Right after a switch of user, the new user's conversations are still on their way.
    await stateArrived();
    const channel = currentConversation();
    answer = command
      ? await post("/ui/command", { user: ui.user, channel, text: (command[1] || "").trim() })
      : await post("/ui/say", { user: ui.user, channel, text });
  } finally {
    sending = false;
  }
  if (!answer.ok) {
    composerNotice(answer.error || "That did not go through.", true);
    return;
  }
  composerNotice("");
  // Keep anything typed while it was on its way.
  if (composer.value.trim() === text) composer.value = "";
  suggest();
  autosize();
}

// The words of a usage line a person would type before the placeholders.
function typedPart(usage) {
  const words = [];
  for (const word of usage.split(/\s+/)) {
    if (/^[[<…]/.test(word) || word.includes("|")) break;
    words.push(word);
  }
  return `${words.join(" ")} `;
}

function suggest() {
  const list = $("command-list");
  const typed = $("composer").value;
  const commands = ui.state?.commands || [];
  const matching = typed.startsWith("/") && !typed.includes("\n")
    ? commands.filter((c) => c.usage.toLowerCase().startsWith(typed.trimEnd().toLowerCase()) && typedPart(c.usage) !== typed)
    : [];
  list.hidden = matching.length === 0;
  list.replaceChildren(...matching.slice(0, 12).map((c) =>
    h("div", {
      class: "command-option", role: "option", "aria-selected": "false", tabindex: "-1",
      onmousedown: (event) => {
        event.preventDefault(); // keep the composer focused
        $("composer").value = typedPart(c.usage);
        suggest();
        $("composer").focus();
      },
    }, h("code", {}, c.usage), h("span", { class: "command-description" }, withCode(c.description)))));
}

function autosize() {
  const composer = $("composer");
  composer.style.height = "auto";
  composer.style.height = `${Math.min(composer.scrollHeight, 200)}px`;
}

// ---- places -----------------------------------------------------------------------------

function go(place) {
  const wasHome = ui.place.kind === "app" && ui.place.tab === "home";
  ui.place = place;
  const isHome = place.kind === "app" && place.tab === "home";
  composerNotice("");
  // Slack sends app_home_opened each time the Home tab is opened. A click before the first
  // state came knows no user yet: it is told once the page knows who is looking.
  if (isHome && !wasHome) openHome();
  if (ui.state) {
    renderSidebar();
    renderPane();
    renderThread();
  }
  if (!isHome) $("composer").focus();
}

async function openHome() {
  const generation = ui.generation;
  await stateArrived();
  // Not if they switched user, or left Home, before the page knew who was looking.
  const stillHome = ui.place.kind === "app" && ui.place.tab === "home";
  if (generation !== ui.generation || !stillHome) return;
  const answer = await post("/ui/home", { user: ui.user });
  if (!answer.ok) toast(answer.error || "Could not open Home.");
}

function switchUser(id) {
  if (!id || id === ui.user) return;
  ui.user = id;
  keepUserInUrl();
  ui.generation += 1;
  ui.poll?.abort();
  ui.since = null;
  ui.state = null;
  Object.assign(ui, { modalKey: null, homeKey: null, listKey: null, listChannel: null, messageNodes: new Map(), seen: {}, thread: null, threadKey: null });
  ui.closing.clear();
  ui.place = { kind: "app", tab: "messages" };
  $("modal-root").replaceChildren();
  $("message-list").replaceChildren();
  $("home-pane").replaceChildren();
  composerNotice("");
}

async function resetPlayground(button) {
  const sure = await confirmDialog({
    title: { type: "plain_text", text: "Reset the playground?" },
    text: { type: "plain_text", text: "Every log entry, schedule, question to the team and message here is deleted, and the clock goes back to now." },
    confirm: { type: "plain_text", text: "Reset" },
    deny: { type: "plain_text", text: "Cancel" },
    style: "danger",
  });
  if (!sure) return;
  button.disabled = true;
  const answer = await post("/ui/reset", { user: ui.user });
  button.disabled = false;
  toast(answer.ok ? "The playground starts afresh." : answer.error || "Could not reset the playground.");
}

async function moveClock(action, button) {
  button.disabled = true;
  const answer = await post("/ui/clock", { user: ui.user, action });
  button.disabled = false;
  toast(answer.ok ? answer.summary || "Done." : answer.error || "The clock did not move.");
}

// ---- wiring -----------------------------------------------------------------------------

function start() {
  $("nav-app").addEventListener("click", () => go({ kind: "app", tab: ui.place.kind === "app" ? ui.place.tab : "messages" }));
  $("nav-team").addEventListener("click", () => go({ kind: "channel", id: teamChannel().id }));
  $("tab-home").addEventListener("click", () => go({ kind: "app", tab: "home" }));
  $("tab-messages").addEventListener("click", () => go({ kind: "app", tab: "messages" }));
  // Arrow keys move between the two tabs, as in any tablist.
  $("tabs").addEventListener("keydown", (event) => {
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    const next = ui.place.tab === "home" ? "messages" : "home";
    go({ kind: "app", tab: next });
    $(`tab-${next}`).focus();
  });
  $("user-select").addEventListener("change", (event) => switchUser(event.target.value));
  $("thread-close").addEventListener("click", closeThread);
  $("thread-pane").addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeThread();
  });
  $("clock-run").addEventListener("click", (event) => moveClock("run", event.currentTarget));
  $("clock-next-button").addEventListener("click", (event) => moveClock("next", event.currentTarget));
  // Jumps to when the first open question to the team closes, and closes it there.
  $("clock-close").addEventListener("click", (event) => moveClock("close", event.currentTarget));
  $("reset-playground").addEventListener("click", (event) => resetPlayground(event.currentTarget));
  const composer = $("composer");
  composer.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
    } else if (event.key === "Tab" && !$("command-list").hidden) {
      // Tab takes the first suggestion, as Slack's command menu does.
      event.preventDefault();
      const first = $("command-list").querySelector("[role=option] code");
      if (first) composer.value = typedPart(first.textContent);
      suggest();
    } else if (event.key === "Escape") {
      $("command-list").hidden = true;
    }
  });
  composer.addEventListener("input", () => {
    autosize();
    suggest();
    if ([ONLY_ASK_TEAM, READ_ONLY_DM].includes($("composer-notice").textContent)) composerNotice("");
  });
  composer.addEventListener("blur", () => setTimeout(() => { $("command-list").hidden = true; }, 150));
  composer.addEventListener("focus", suggest);
  $("composer-send").addEventListener("click", send);
  const list = $("message-list");
  list.addEventListener("scroll", () => {
    ui.atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  });
  // An image that loads later makes the list taller: stay at the end if we were there.
  list.addEventListener("load", () => { if (ui.atBottom) list.scrollTop = list.scrollHeight; }, true);
  pollForever();
}

start();
