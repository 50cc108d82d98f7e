// Block Kit → DOM, for messages, the Home tab and modals.
//
// Text from the server goes in through textContent, or through mrkdwn.js, whose output is
// escaped by construction; nothing else is ever assigned to innerHTML. What this file does
// not know how to draw is shown as its raw JSON in <pre class="unknown-block">, so a block
// the bot sends is never silently missing from the page.
//
// A renderer needs a context:
//   { users, channels, tz, now,            // for mentions, dates and user/channel menus
//     onAction(action) → Promise,          // a block_actions click or change, Slack's shape
//     confirm(confirmObject) → Promise<boolean> }

import { EMOJI, emojify, formatSlackDate, isSafeUrl, mrkdwnToHtml, plainTextToHtml } from "./mrkdwn.js";

// ---- small DOM helpers ------------------------------------------------------------------

/** createElement with attributes (on* are listeners) and children (strings become text). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value == null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

let counter = 0;
/** A page-unique id for label/for and aria-* pairs. */
export function uid(prefix = "kit") {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** The raw JSON of something we do not draw. */
export function unknown(thing) {
  return h("pre", { class: "unknown-block" }, JSON.stringify(thing, null, 2));
}

/** A text object's words as a plain string (for <option>, labels, titles). */
export function plainString(obj) {
  if (obj == null) return "";
  if (typeof obj === "string") return obj;
  const text = String(obj.text ?? "");
  return obj.type === "plain_text" && obj.emoji !== false ? emojify(text) : text;
}

/** A text object (mrkdwn or plain_text) as an element. */
export function textObject(obj, ctx, tag = "span") {
  if (obj == null) return null;
  if (typeof obj === "string") return h(tag, {}, obj);
  const el = h(tag, { class: obj.type === "mrkdwn" ? "mrkdwn" : "plain" });
  if (obj.type === "mrkdwn") el.innerHTML = mrkdwnToHtml(obj.text, ctx); // escaped by mrkdwn.js
  else if (obj.type === "plain_text") el.innerHTML = plainTextToHtml(obj.text, { emoji: obj.emoji !== false });
  else return unknown(obj);
  return el;
}

function image(url, alt, className) {
  if (!url || !isSafeUrl(url)) return h("span", { class: `${className} missing-image` }, alt || "");
  return h("img", { class: className, src: url, alt: alt || "", loading: "lazy" });
}

function imageUrl(obj) {
  return obj.image_url ?? obj.slack_file?.url ?? null;
}

// ---- interactive and input elements -----------------------------------------------------

// Each returns { node, read?, control? }: `read()` gives the element's entry in Slack's
// view.state.values, `control` is what its <label for> points at.

function selectWith(o, entries, { multiple = false, placeholder = "Select an item" } = {}) {
  const select = h("select", { id: o.id, class: "kit-select", multiple });
  if (!multiple) select.append(h("option", { value: "" }, placeholder));
  for (const entry of entries) {
    if (entry.group) {
      select.append(h("optgroup", { label: entry.group }, entry.items.map((item) => h("option", { value: item.key }, item.label))));
    } else {
      select.append(h("option", { value: entry.key }, entry.label));
    }
  }
  if (multiple) {
    select.size = Math.min(Math.max(select.options.length, 2), 6);
    // A click toggles one choice, as Slack's multi-select does, without Ctrl or ⌘.
    select.addEventListener("mousedown", (event) => {
      const option = event.target.closest?.("option");
      if (!option) return;
      event.preventDefault();
      option.selected = !option.selected;
      select.focus();
      select.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }
  return select;
}

// A multi-select's placeholder has no place inside a list box: it goes under it.
function withNote(select, placeholder) {
  if (!select.multiple) return select;
  return h("div", { class: "kit-multi" }, select,
    h("div", { class: "kit-multi-note" }, `${placeholder} · a click picks or unpicks one`));
}

function setSelected(select, keys) {
  const wanted = new Set(keys.filter((k) => k != null).map(String));
  for (const option of select.options) if (wanted.has(option.value)) option.selected = true;
}

function chosen(select) {
  return [...select.selectedOptions].map((o) => o.value).filter((v) => v !== "");
}

// static_select and multi_static_select: options or option_groups, answered as option objects.
function staticSelect(el, o) {
  const multiple = el.type.startsWith("multi_");
  const all = [];
  const entry = (option) => ({ key: String(all.push(option) - 1), label: plainString(option.text) });
  const entries = el.option_groups
    ? el.option_groups.map((g) => ({ group: plainString(g.label), items: (g.options || []).map(entry) }))
    : (el.options || []).map(entry);
  const select = selectWith(o, entries, { multiple, placeholder: plainString(el.placeholder) || "Select an item" });
  const initial = multiple ? el.initial_options || [] : el.initial_option ? [el.initial_option] : [];
  setSelected(select, initial.map((init) => all.findIndex((opt) => opt.value === init.value)).filter((i) => i >= 0));
  const picked = () => chosen(select).map((k) => all[Number(k)]);
  const read = () =>
    multiple
      ? { type: el.type, selected_options: picked() }
      : { type: el.type, selected_option: picked()[0] ?? null };
  select.addEventListener("change", () => o.changed(read()));
  return { node: withNote(select, plainString(el.placeholder) || "Select items"), read, control: select };
}

// users, conversations and channels menus, offered from the playground's state.
const ID_MENUS = {
  users_select: ["users", "selected_user", "initial_user"],
  multi_users_select: ["users", "selected_users", "initial_users"],
  conversations_select: ["channels", "selected_conversation", "initial_conversation"],
  multi_conversations_select: ["channels", "selected_conversations", "initial_conversations"],
  channels_select: ["channels", "selected_channel", "initial_channel"],
  multi_channels_select: ["channels", "selected_channels", "initial_channels"],
};

function idSelect(el, o) {
  const [source, key, initialKey] = ID_MENUS[el.type];
  const multiple = el.type.startsWith("multi_");
  const entries =
    source === "users"
      ? (o.ctx.users || []).map((u) => ({ key: u.id, label: u.real_name || u.name || u.id }))
      : (o.ctx.channels || []).map((c) => ({ key: c.id, label: `# ${c.name}` }));
  const placeholder = plainString(el.placeholder) || (source === "users" ? "Select a person" : "Select a channel");
  const select = selectWith(o, entries, { multiple, placeholder });
  const initial = el[initialKey];
  setSelected(select, Array.isArray(initial) ? initial : [initial]);
  const read = () => ({ type: el.type, [key]: multiple ? chosen(select) : chosen(select)[0] ?? null });
  select.addEventListener("change", () => o.changed(read()));
  return { node: withNote(select, placeholder), read, control: select };
}

// multi_users_select and the multi conversation menus as Slack draws them: the chosen as
// tokens with a remove button, and a field that suggests names as you type.
function tokenPicker(el, o) {
  const [source, key, initialKey] = ID_MENUS[el.type];
  const entries =
    source === "users"
      ? (o.ctx.users || []).map((u) => ({ key: u.id, label: u.real_name || u.name || u.id }))
      : (o.ctx.channels || []).map((c) => ({ key: c.id, label: `# ${c.name}` }));
  const labelOf = (k) => entries.find((e) => e.key === k)?.label || k;
  const known = new Set(entries.map((e) => e.key));
  let chosenKeys = (Array.isArray(el[initialKey]) ? el[initialKey] : []).filter((k) => known.has(k));
  const listId = `${o.id}-list`;
  const tokens = h("span", { class: "kit-tokens-chosen" });
  const input = h("input", {
    type: "text", id: o.id, class: "kit-token-input", role: "combobox", autocomplete: "off",
    "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": listId,
    placeholder: plainString(el.placeholder) || (source === "users" ? "Add people" : "Add channels"),
  });
  const list = h("ul", { class: "kit-token-list", role: "listbox", id: listId, hidden: true });
  const read = () => ({ type: el.type, [key]: [...chosenKeys] });
  const draw = () => {
    tokens.replaceChildren(...chosenKeys.map((k) => h("span", { class: "kit-token" }, labelOf(k),
      h("button", { type: "button", class: "kit-token-remove", "aria-label": `Remove ${labelOf(k)}`, onclick: () => remove(k) }, "×"))));
  };
  const matches = () => {
    const typed = input.value.trim().toLowerCase();
    return entries.filter((e) => !chosenKeys.includes(e.key) && e.label.toLowerCase().includes(typed));
  };
  const suggest = () => {
    const found = matches();
    list.replaceChildren(...found.map((e) => h("li", { role: "option", class: "kit-token-option", onmousedown: (event) => { event.preventDefault(); add(e.key); } }, e.label)));
    list.hidden = !found.length || document.activeElement !== input;
    input.setAttribute("aria-expanded", String(!list.hidden));
  };
  const add = (k) => {
    chosenKeys = [...chosenKeys, k];
    input.value = "";
    draw();
    suggest();
    o.changed(read());
  };
  const remove = (k) => {
    chosenKeys = chosenKeys.filter((c) => c !== k);
    draw();
    input.focus();
    o.changed(read());
  };
  input.addEventListener("input", suggest);
  input.addEventListener("focus", suggest);
  input.addEventListener("blur", () => { list.hidden = true; input.setAttribute("aria-expanded", "false"); });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && matches().length) {
      event.preventDefault();
      add(matches()[0].key);
    } else if (event.key === "Backspace" && !input.value && chosenKeys.length) {
      remove(chosenKeys[chosenKeys.length - 1]);
    }
  });
  draw();
  const node = h("div", { class: "kit-tokens" }, h("div", { class: "kit-token-field" }, tokens, input), list);
  return { node, read, control: input };
}

// checkboxes and radio_buttons: one <label for> per choice, the group named by the block.
function choices(el, o) {
  const radio = el.type === "radio_buttons";
  const options = el.options || [];
  const group = h("div", { class: `kit-choices ${radio ? "radios" : "checkboxes"}`, role: radio ? "radiogroup" : "group", "aria-labelledby": o.labelId, id: o.id });
  const initial = new Set((radio ? (el.initial_option ? [el.initial_option] : []) : el.initial_options || []).map((x) => x.value));
  const inputs = options.map((option, i) => {
    const id = `${o.id}-${i}`;
    const input = h("input", { type: radio ? "radio" : "checkbox", id, name: o.id, value: String(i) });
    input.checked = initial.has(option.value);
    group.append(
      h("div", { class: "kit-choice" }, input,
        h("label", { for: id }, textObject(option.text, o.ctx),
          option.description ? textObject(option.description, o.ctx, "div") : null)),
    );
    return input;
  });
  const picked = () => inputs.filter((i) => i.checked).map((i) => options[Number(i.value)]);
  const read = () =>
    radio ? { type: el.type, selected_option: picked()[0] ?? null } : { type: el.type, selected_options: picked() };
  group.addEventListener("change", () => o.changed(read()));
  return { node: group, read, control: inputs[0] };
}

function textInput(el, o) {
  const kinds = { plain_text_input: "text", email_text_input: "email", url_text_input: "url", number_input: "number" };
  const attrs = { id: o.id, class: "kit-text", placeholder: plainString(el.placeholder) || null };
  let control;
  if (el.type === "plain_text_input" && el.multiline) {
    control = h("textarea", { ...attrs, rows: 4, maxlength: el.max_length });
  } else {
    control = h("input", { ...attrs, type: kinds[el.type], maxlength: el.type === "plain_text_input" ? el.max_length : null });
    if (el.type === "number_input") {
      control.step = el.is_decimal_allowed ? "any" : "1";
      if (el.min_value != null) control.min = el.min_value;
      if (el.max_value != null) control.max = el.max_value;
    }
  }
  control.value = el.initial_value ?? "";
  const read = () => ({ type: el.type, value: control.value === "" ? null : control.value });
  // dispatch_action: Slack sends on Enter unless told to send on every character.
  const triggers = el.dispatch_action_config?.trigger_actions_on || ["on_enter_pressed"];
  if (triggers.includes("on_enter_pressed")) {
    control.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && o.dispatches) {
        event.preventDefault();
        o.changed(read());
      }
    });
  }
  if (triggers.includes("on_character_entered")) {
    let timer;
    control.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => o.changed(read()), 400);
    });
  }
  return { node: control, read, control };
}

// "Thu, Dec 10, 2026": a day as Slack's date picker shows it, whatever the browser's locale.
const DAY_IN_WORDS = new Intl.DateTimeFormat("en-US", { weekday: "short", month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });

function datePicker(el, o) {
  const native = h("input", { type: "date", class: "kit-date-native", tabindex: "-1", "aria-hidden": "true" });
  native.value = el.initial_date ?? "";
  const placeholder = plainString(el.placeholder) || "Select a date";
  const shown = h("button", { type: "button", id: o.id, class: "kit-date" });
  const draw = () => {
    shown.textContent = native.value ? DAY_IN_WORDS.format(new Date(`${native.value}T00:00:00Z`)) : placeholder;
    shown.classList.toggle("empty", !native.value);
  };
  shown.addEventListener("click", () => (native.showPicker ? native.showPicker() : native.focus()));
  const read = () => ({ type: el.type, selected_date: native.value || null });
  native.addEventListener("change", () => {
    draw();
    if (native.value) o.changed(read());
  });
  draw();
  return { node: h("span", { class: "kit-date-field" }, shown, native), read, control: shown };
}

function picker(el, o) {
  if (el.type === "datepicker") return datePicker(el, o);
  const [inputType, key, initialKey] = ["time", "selected_time", "initial_time"];
  const control = h("input", { type: inputType, id: o.id, class: "kit-picker" });
  control.value = el[initialKey] ?? "";
  const read = () => ({ type: el.type, [key]: control.value || null });
  control.addEventListener("change", () => control.value && o.changed(read()));
  return { node: control, read, control };
}

function button(el, o) {
  const node = h("button", {
    type: "button", id: o.id, class: `kit-button ${el.style === "primary" || el.style === "danger" ? el.style : ""}`,
    "aria-label": el.accessibility_label || null,
  }, plainString(el.text));
  node.addEventListener("click", async () => {
    if (el.url && isSafeUrl(el.url)) window.open(el.url, "_blank", "noopener");
    const action = { type: "button", text: el.text, value: el.value };
    if (el.style) action.style = el.style;
    // Busy until the server has it, so a double click is one click.
    node.disabled = true;
    try {
      await o.send(action);
    } finally {
      node.disabled = false;
    }
  });
  return { node, control: node };
}

function overflow(el, o) {
  const toggle = h("button", { type: "button", id: o.id, class: "kit-button kit-overflow", "aria-label": "More actions", "aria-haspopup": "menu", "aria-expanded": "false" }, "⋯");
  const menu = h("div", { class: "kit-menu", role: "menu", hidden: true });
  const wrap = h("div", { class: "kit-overflow-wrap" }, toggle, menu);
  const onOutside = (event) => { if (!wrap.contains(event.target)) close(); };
  const onKey = (event) => { if (event.key === "Escape") close(); };
  function close() {
    menu.hidden = true;
    toggle.setAttribute("aria-expanded", "false");
    document.removeEventListener("mousedown", onOutside);
    document.removeEventListener("keydown", onKey);
  }
  toggle.addEventListener("click", () => {
    if (!menu.hidden) return close();
    menu.hidden = false;
    toggle.setAttribute("aria-expanded", "true");
    document.addEventListener("mousedown", onOutside);
    document.addEventListener("keydown", onKey);
    menu.querySelector("[role=menuitem]")?.focus();
  });
  for (const option of el.options || []) {
    menu.append(h("button", {
      type: "button", role: "menuitem", class: "kit-menu-item",
      onclick: () => {
        close();
        if (option.url && isSafeUrl(option.url)) window.open(option.url, "_blank", "noopener");
        o.send({ type: "overflow", selected_option: option });
      },
    }, plainString(option.text)));
  }
  return { node: wrap, control: toggle };
}

const ELEMENTS = {
  button,
  overflow,
  static_select: staticSelect,
  multi_static_select: staticSelect,
  checkboxes: choices,
  radio_buttons: choices,
  plain_text_input: textInput,
  email_text_input: textInput,
  url_text_input: textInput,
  number_input: textInput,
  datepicker: picker,
  timepicker: picker,
  image: (el) => ({ node: image(imageUrl(el), el.alt_text, "kit-image-element") }),
  ...Object.fromEntries(Object.keys(ID_MENUS).map((type) => [type, type.startsWith("multi_") ? tokenPicker : idSelect])),
};

/**
 * One element. `where`: { blockId, ctx, id?, labelId?, dispatches? }. In an actions block or
 * a section's accessory every change is a block action; in an input block only with
 * dispatch_action.
 */
export function renderElement(el, where) {
  const make = ELEMENTS[el?.type];
  if (!make) return { node: unknown(el) };
  const actionId = el.action_id ?? where.autoActionId ?? "action";
  const send = async (action) => {
    if (el.confirm && !(await where.ctx.confirm(el.confirm))) return;
    await where.ctx.onAction?.({ ...action, action_id: actionId, block_id: where.blockId, action_ts: String(Date.now() / 1000) });
  };
  const o = {
    id: where.id ?? uid("el"),
    labelId: where.labelId,
    ctx: where.ctx,
    dispatches: where.dispatches !== false,
    send,
    // A change of a stateful element: a block action unless it sits quietly in a form.
    changed: (state) => (where.dispatches === false ? undefined : send(state)),
  };
  return { actionId, ...make(el, o) };
}

// ---- blocks -----------------------------------------------------------------------------

function section(block, ctx, blockId) {
  const main = h("div", { class: "kit-section-main" },
    block.text ? textObject(block.text, ctx, "div") : null,
    block.fields ? h("div", { class: "kit-fields" }, block.fields.map((f) => textObject(f, ctx, "div"))) : null);
  const accessory = block.accessory
    ? h("div", { class: "kit-accessory" }, renderElement(block.accessory, { blockId, ctx, autoActionId: `${blockId}-accessory` }).node)
    : null;
  return h("div", { class: "kit-section" }, main, accessory);
}

function actions(block, ctx, blockId) {
  return h("div", { class: "kit-actions" },
    (block.elements || []).map((el, i) => renderElement(el, { blockId, ctx, autoActionId: `${blockId}-${i}` }).node));
}

function context(block, ctx) {
  return h("div", { class: "kit-context" },
    (block.elements || []).map((el) =>
      el.type === "image" ? image(imageUrl(el), el.alt_text, "kit-context-image") : textObject(el, ctx)));
}

function imageBlock(block, ctx) {
  return h("figure", { class: "kit-image" },
    block.title ? h("figcaption", {}, textObject(block.title, ctx)) : null,
    image(imageUrl(block), block.alt_text, "kit-image-img"));
}

function video(block, ctx) {
  const url = block.title_url || block.video_url;
  const title = plainString(block.title) || "Video";
  return h("div", { class: "kit-video" },
    url && isSafeUrl(url) ? h("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, `▶ ${title}`) : h("span", {}, `▶ ${title}`),
    block.description ? textObject(block.description, ctx, "div") : null,
    image(block.thumbnail_url, block.alt_text, "kit-image-img"));
}

function input(block, ctx, blockId) {
  const el = block.element || {};
  const id = uid("input");
  const labelId = `${id}-label`;
  const group = el.type === "checkboxes" || el.type === "radio_buttons";
  const labelText = plainString(block.label);
  // The group's name comes from aria-labelledby; everything else gets a <label for>.
  const label = group
    ? h("div", { class: "kit-label", id: labelId }, labelText)
    : h("label", { class: "kit-label", id: labelId, for: id }, labelText);
  // "(optional)" sits outside the label so the field's name is the label alone.
  const labelRow = h("div", { class: "kit-label-row" }, label, block.optional ? h("span", { class: "kit-optional" }, " (optional)") : null);
  const rendered = renderElement(el, { blockId, ctx, id, labelId, dispatches: Boolean(block.dispatch_action), autoActionId: `${blockId}-input` });
  const hint = block.hint ? h("div", { class: "kit-hint", id: `${id}-hint` }, textObject(block.hint, ctx)) : null;
  if (hint && rendered.control) rendered.control.setAttribute("aria-describedby", hint.id);
  const slot = h("div", { class: "kit-error-slot" });
  const wrap = h("div", { class: "kit-input", "data-block-id": blockId }, labelRow, rendered.node, slot, hint);
  if (rendered.read) wrap.kitField = { blockId, actionId: rendered.actionId, read: rendered.read, control: rendered.control, slot };
  return wrap;
}

function divider() {
  return h("hr", { class: "kit-divider" });
}

function header(block) {
  return h("h3", { class: "kit-header" }, plainString(block.text));
}

// ---- rich_text --------------------------------------------------------------------------

function styledText(node, style) {
  let out = node;
  if (!style) return out;
  if (style.code) out = h("code", {}, out);
  if (style.bold) out = h("b", {}, out);
  if (style.italic) out = h("i", {}, out);
  if (style.strike) out = h("s", {}, out);
  return out;
}

function emojiChar(el) {
  if (el.unicode) {
    try {
      return String.fromCodePoint(...el.unicode.split("-").map((x) => parseInt(x, 16)));
    } catch {
      /* fall through to the name */
    }
  }
  return EMOJI[el.name] ?? `:${el.name}:`;
}

function richInline(el, ctx) {
  switch (el.type) {
    case "text":
      return styledText(document.createTextNode(el.text ?? ""), el.style);
    case "link": {
      const label = el.text || el.url || "";
      const node = isSafeUrl(el.url)
        ? h("a", { href: el.url, target: "_blank", rel: "noopener noreferrer" }, label)
        : document.createTextNode(label);
      return styledText(node, el.style);
    }
    case "user": {
      const user = (ctx.users || []).find((u) => u.id === el.user_id);
      return h("span", { class: "mention mention-user" }, `@${user ? user.real_name || user.name : el.user_id}`);
    }
    case "channel": {
      const channel = (ctx.channels || []).find((c) => c.id === el.channel_id);
      return h("span", { class: "mention mention-channel" }, `#${channel ? channel.name : el.channel_id}`);
    }
    case "usergroup":
      return h("span", { class: "mention mention-group" }, `@${el.usergroup_id}`);
    case "broadcast":
      return h("span", { class: "mention mention-broadcast" }, `@${el.range}`);
    case "emoji":
      return document.createTextNode(emojiChar(el));
    case "date":
      return h("span", { class: "date" }, formatSlackDate(el.timestamp, el.format, ctx) ?? el.fallback ?? "");
    case "color":
      return document.createTextNode(el.value ?? "");
    default:
      return unknown(el);
  }
}

function richInlines(elements, ctx) {
  return (elements || []).map((el) => richInline(el, ctx));
}

function richElement(el, ctx) {
  switch (el.type) {
    case "rich_text_section":
      return h("div", { class: "rt-section" }, richInlines(el.elements, ctx));
    case "rich_text_preformatted":
      return h("pre", { class: "rt-pre" }, richInlines(el.elements, ctx));
    case "rich_text_quote":
      return h("blockquote", { class: "rt-quote" }, richInlines(el.elements, ctx));
    case "rich_text_list": {
      const ordered = el.style === "ordered";
      const list = h(ordered ? "ol" : "ul", { class: `rt-list indent-${Math.min(el.indent || 0, 4)}` },
        (el.elements || []).map((item) =>
          h("li", {}, item.type === "rich_text_section" ? richInlines(item.elements, ctx) : richElement(item, ctx))));
      if (ordered && el.offset) list.start = el.offset + 1;
      return list;
    }
    default:
      return unknown(el);
  }
}

function richText(block, ctx) {
  return h("div", { class: "kit-rich-text" }, (block.elements || []).map((el) => richElement(el, ctx)));
}

const BLOCKS = { section, actions, context, image: imageBlock, video, input, divider, header, rich_text: richText };

/** One block as an element; anything unknown (or broken) as raw JSON. */
export function renderBlock(block, ctx, index = 0) {
  const make = BLOCKS[block?.type];
  if (!make) return h("div", { class: "block" }, unknown(block));
  // Slack names a block that came without a block_id; so do we.
  const blockId = block.block_id ?? `b${index}`;
  try {
    const node = make(block, ctx, blockId);
    node.classList.add("block", "kit-block");
    return node;
  } catch (error) {
    console.warn("could not draw a block", error);
    return h("div", { class: "block" }, unknown(block));
  }
}

/** A list of blocks as a <div class="blocks">. */
export function renderBlocks(blocks, ctx) {
  return h("div", { class: "blocks" }, (blocks || []).map((block, i) => renderBlock(block, ctx, i)));
}

// ---- forms: state and errors ------------------------------------------------------------

function fields(root) {
  return [...root.querySelectorAll(".kit-input")].map((n) => n.kitField).filter(Boolean);
}

/** Slack's view.state.values of the input blocks under `root`: {block_id: {action_id: {…}}}. */
export function readState(root) {
  const values = {};
  for (const field of fields(root)) {
    values[field.blockId] ??= {};
    values[field.blockId][field.actionId] = field.read();
  }
  return values;
}

/**
 * Show `errors` ({block_id: message}) under their fields, clearing the rest. Returns the
 * errors whose block is not an input here, for the caller to show elsewhere.
 */
export function showErrors(root, errors) {
  const left = { ...(errors || {}) };
  for (const field of fields(root)) {
    const message = left[field.blockId];
    delete left[field.blockId];
    const current = field.slot.firstChild;
    if (current && current.textContent === String(message ?? "")) continue;
    field.slot.replaceChildren();
    if (message) {
      const id = uid("error");
      field.slot.append(h("div", { class: "field-error", role: "alert", id }, String(message)));
      field.control?.setAttribute("aria-invalid", "true");
      field.control?.setAttribute("aria-errormessage", id);
    } else {
      field.control?.removeAttribute("aria-invalid");
      field.control?.removeAttribute("aria-errormessage");
    }
  }
  return left;
}

/** Focus the first field of a form, for a modal that just opened. */
export function focusFirstField(root) {
  const field = fields(root)[0];
  field?.control?.focus();
}
