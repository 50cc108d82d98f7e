// Slack mrkdwn → safe HTML.
//
// Everything here comes from the server and is untrusted: every piece of text is
// HTML-escaped before it is put in the result, and the only tags in the result are the
// ones this module writes. Callers may therefore assign the result to innerHTML.
//
// Slack's own rules, as far as the bot relies on them:
// - `<`, `>` and `&` in plain text arrive as `&lt;`, `&gt;` and `&amp;`, so a raw `<…>`
//   is always markup: a link, a mention or a date.
// - `*bold*`, `_italic_` and `~strike~` need a space or punctuation outside and no space
//   inside, and stay on one line: `snake_case` and `2*3*4` are left alone.
// - Text inside `code` and ```pre``` is shown as typed.

// Shortcodes → Unicode. Every name the bot uses (grep ':[a-z_]+:' bot/) plus the common ones
// people type; any other name stays as `:name:` text, as Slack shows an unknown emoji.
export const EMOJI = {
  // used by the bot
  warning: "⚠️", handshake: "🤝", alarm_clock: "⏰", white_check_mark: "✅",
  information_source: "ℹ️", seedling: "🌱", memory: "📝", heartbeat: "💓",
  wastebasket: "🗑️", leftwards_arrow_with_hook: "↩️", hourglass: "⌛", zzz: "💤",
  wave: "👋", thinking_face: "🤔", outbox_tray: "📤", mag: "🔍", loudspeaker: "📢",
  fast_forward: "⏩", double_vertical_bar: "⏸️", compass: "🧭", clipboard: "📋",
  arrow_forward: "▶️", jigsaw: "🧩",
  // common
  smile: "😄", smiley: "😃", grinning: "😀", slightly_smiling_face: "🙂", blush: "😊",
  wink: "😉", laughing: "😆", joy: "😂", rofl: "🤣", sweat_smile: "😅", innocent: "😇",
  heart_eyes: "😍", sunglasses: "😎", neutral_face: "😐", expressionless: "😑",
  confused: "😕", worried: "😟", slightly_frowning_face: "🙁", disappointed: "😞",
  cry: "😢", sob: "😭", angry: "😠", rage: "😡", scream: "😱", tired_face: "😫",
  sleeping: "😴", sleepy: "😪", face_with_rolling_eyes: "🙄", grimacing: "😬",
  hugging_face: "🤗", raised_hands: "🙌", clap: "👏", pray: "🙏", muscle: "💪",
  "+1": "👍", thumbsup: "👍", "-1": "👎", thumbsdown: "👎", ok_hand: "👌", point_right: "👉",
  point_left: "👈", point_up: "☝️", point_down: "👇", eyes: "👀", brain: "🧠",
  heart: "❤️", broken_heart: "💔", yellow_heart: "💛", green_heart: "💚", blue_heart: "💙",
  purple_heart: "💜", sparkling_heart: "💖", fire: "🔥", sparkles: "✨", star: "⭐",
  star2: "🌟", tada: "🎉", confetti_ball: "🎊", balloon: "🎈", gift: "🎁", trophy: "🏆",
  medal: "🏅", rocket: "🚀", bulb: "💡", zap: "⚡", boom: "💥", "100": "💯", dart: "🎯",
  x: "❌", heavy_check_mark: "✔️", ballot_box_with_check: "☑️", heavy_plus_sign: "➕",
  heavy_minus_sign: "➖", question: "❓", grey_question: "❔", exclamation: "❗",
  bangbang: "‼️", no_entry: "⛔", no_entry_sign: "🚫", stop_sign: "🛑", rotating_light: "🚨",
  construction: "🚧", lock: "🔒", unlock: "🔓", key: "🔑", bell: "🔔", no_bell: "🔕",
  mega: "📣", speech_balloon: "💬", thought_balloon: "💭", email: "📧", envelope: "✉️",
  inbox_tray: "📥", package: "📦", calendar: "📆", date: "📅", spiral_calendar_pad: "🗓️",
  clock9: "🕘", stopwatch: "⏱️", timer_clock: "⏲️", hourglass_flowing_sand: "⏳",
  chart_with_upwards_trend: "📈", chart_with_downwards_trend: "📉", bar_chart: "📊",
  memo: "📝", pencil: "📝", pencil2: "✏️", pushpin: "📌", round_pushpin: "📍",
  paperclip: "📎", link: "🔗", books: "📚", book: "📖", notebook: "📓", page_facing_up: "📄",
  file_folder: "📁", open_file_folder: "📂", card_index: "📇", label: "🏷️",
  computer: "💻", iphone: "📱", gear: "⚙️", wrench: "🔧", hammer: "🔨",
  hammer_and_wrench: "🛠️", bug: "🐛", robot_face: "🤖", coffee: "☕", tea: "🍵",
  pizza: "🍕", cake: "🍰", beers: "🍻", sun_with_face: "🌞", sunny: "☀️", cloud: "☁️",
  rainbow: "🌈", snowflake: "❄️", umbrella: "☂️", herb: "🌿", four_leaf_clover: "🍀",
  evergreen_tree: "🌲", deciduous_tree: "🌳", earth_africa: "🌍", globe_with_meridians: "🌐",
  house: "🏠", office: "🏢", airplane: "✈️", car: "🚗", runner: "🏃", walking: "🚶",
  busts_in_silhouette: "👥", bust_in_silhouette: "👤", people_holding_hands: "🧑‍🤝‍🧑",
  speaking_head_in_silhouette: "🗣️", ear: "👂", mag_right: "🔎", arrow_right: "➡️",
  arrow_left: "⬅️", arrow_up: "⬆️", arrow_down: "⬇️", arrows_counterclockwise: "🔄",
  repeat: "🔁", rewind: "⏪", pause_button: "⏸️", stop_button: "⏹️", black_square_for_stop: "⏹️",
  new: "🆕", free: "🆓", sos: "🆘", red_circle: "🔴", large_green_circle: "🟢",
  large_yellow_circle: "🟡", large_blue_circle: "🔵", white_circle: "⚪", black_circle: "⚫",
  small_red_triangle: "🔺", small_red_triangle_down: "🔻", thermometer: "🌡️",
  battery: "🔋", moneybag: "💰", dollar: "💵", euro: "💶", scales: "⚖️",
  see_no_evil: "🙈", hear_no_evil: "🙉", speak_no_evil: "🙊", party_popper: "🎉",
  partying_face: "🥳", pleading_face: "🥺", star_struck: "🤩", shrug: "🤷",
  facepalm: "🤦", raising_hand: "🙋", man_shrugging: "🤷‍♂️", woman_shrugging: "🤷‍♀️",
};

// Private-use characters mark where finished HTML goes back in; they are removed from the
// input first, so a message cannot forge one.
const OPEN = "\uE000";
const CLOSE = "\uE001";

export function escapeHtml(text) {
  return String(text ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

// Slack escapes only these three in message text.
function decodeEntities(text) {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** `:name:` → the emoji, in raw (unescaped) text; unknown names are kept as they are. */
export function emojify(text) {
  return String(text ?? "").replace(/:([a-z0-9_+'-]+):/g, (whole, name) =>
    Object.prototype.hasOwnProperty.call(EMOJI, name) ? EMOJI[name] : whole,
  );
}

/** A plain_text object's text as safe HTML: no markup, emoji names converted if asked. */
export function plainTextToHtml(text, { emoji = true } = {}) {
  const raw = String(text ?? "");
  return escapeHtml(emoji ? emojify(raw) : raw).replace(/\n/g, "<br>");
}

// ---- dates ----------------------------------------------------------------------------

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December"];
const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** The calendar fields of `date` in time zone `tz` (UTC if the zone is unknown). */
export function zonedParts(date, tz) {
  let format;
  try {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: tz || "UTC", year: "numeric", month: "numeric", day: "numeric",
      weekday: "short", hour: "numeric", minute: "numeric", second: "numeric", hourCycle: "h23",
    });
  } catch {
    return zonedParts(date, "UTC");
  }
  const parts = {};
  for (const part of format.formatToParts(date)) parts[part.type] = part.value;
  const weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(parts.weekday);
  return {
    year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), weekday,
    hour: Number(parts.hour) % 24, minute: Number(parts.minute), second: Number(parts.second),
  };
}

const pad = (n) => String(n).padStart(2, "0");

function ordinal(n) {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return n + ({ 1: "st", 2: "nd", 3: "rd" }[n % 10] || "th");
}

/** "9:05 AM", as Slack's default (en-US) client shows a time. */
export function clock12(p, seconds = false) {
  const hour = p.hour % 12 || 12;
  return `${hour}:${pad(p.minute)}${seconds ? `:${pad(p.second)}` : ""} ${p.hour < 12 ? "AM" : "PM"}`;
}

function dayKey(p) {
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

// "today", "yesterday" or "tomorrow" against the playground's clock, not the browser's.
function relativeDay(p, ctx) {
  if (!ctx.now) return null;
  const now = ctx.now instanceof Date ? ctx.now : new Date(ctx.now);
  const DAY = 86400000;
  const key = dayKey(p);
  if (key === dayKey(zonedParts(now, ctx.tz))) return "today";
  if (key === dayKey(zonedParts(new Date(now.getTime() - DAY), ctx.tz))) return "yesterday";
  if (key === dayKey(zonedParts(new Date(now.getTime() + DAY), ctx.tz))) return "tomorrow";
  return null;
}

/**
 * Slack's `<!date^epoch^format|fallback>` text: `format` with its {tokens} filled in for the
 * reader's time zone `ctx.tz`. Returns null when a token is unknown (the caller then shows
 * the fallback).
 */
export function formatSlackDate(epochSeconds, format, ctx = {}) {
  const seconds = Number(epochSeconds);
  if (!Number.isFinite(seconds)) return null;
  const p = zonedParts(new Date(seconds * 1000), ctx.tz);
  const month = MONTHS[p.month - 1];
  const date = `${month} ${ordinal(p.day)}, ${p.year}`;
  const dateShort = `${month.slice(0, 3)} ${p.day}, ${p.year}`;
  const dateLong = `${WEEKDAYS[p.weekday]}, ${date}`;
  const relative = relativeDay(p, ctx);
  const tokens = {
    date_num: dayKey(p),
    date,
    date_short: dateShort,
    date_long: dateLong,
    date_pretty: relative || date,
    date_short_pretty: relative || dateShort,
    date_long_pretty: relative || dateLong,
    time: clock12(p, false),
    time_secs: clock12(p, true),
  };
  let unknown = false;
  const text = String(format).replace(/\{([a-z_]+)\}/g, (whole, name) => {
    if (name in tokens) return tokens[name];
    unknown = true;
    return whole;
  });
  return unknown ? null : text;
}

// ---- links, mentions, dates -----------------------------------------------------------

const SAFE_URL = /^(https?:\/\/|mailto:)/i;

/** True for a URL the page may put in href/src: http(s), mailto, or a same-origin path. */
export function isSafeUrl(url) {
  const text = String(url ?? "").trim();
  return SAFE_URL.test(text) || (text.startsWith("/") && !text.startsWith("//"));
}

function userName(id, ctx) {
  const user = (ctx.users || []).find((u) => u.id === id);
  return user ? user.real_name || user.name || id : null;
}

function channelName(id, ctx) {
  const channel = (ctx.channels || []).find((c) => c.id === id);
  return channel ? channel.name : null;
}

function mention(text, kind) {
  return `<span class="mention mention-${kind}">${escapeHtml(text)}</span>`;
}

// The inside of one `<…>`, as HTML.
function special(inner, ctx) {
  const bar = inner.indexOf("|");
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? null : decodeEntities(inner.slice(bar + 1));
  if (target.startsWith("@")) {
    const id = target.slice(1);
    return mention(`@${userName(id, ctx) || label || id}`, "user");
  }
  if (target.startsWith("#")) {
    const id = target.slice(1);
    return mention(`#${channelName(id, ctx) || label || id}`, "channel");
  }
  if (target.startsWith("!")) {
    const [command, ...rest] = target.slice(1).split("^");
    if (["here", "channel", "everyone"].includes(command)) return mention(`@${command}`, "broadcast");
    if (command === "date") {
      const [epoch, format = "", link] = rest;
      const text = formatSlackDate(epoch, format, ctx) ?? label ?? "";
      if (link && SAFE_URL.test(link)) return anchor(link, text);
      return `<span class="date">${escapeHtml(text)}</span>`;
    }
    if (command === "subteam") return mention(label || "@group", "group");
    return escapeHtml(label ?? `<${decodeEntities(inner)}>`);
  }
  const url = decodeEntities(target);
  // Only absolute http(s) and mailto links: anything else is shown, not followed.
  if (!SAFE_URL.test(url)) return escapeHtml(label ?? `<${url}>`);
  const shown = label ?? (url.toLowerCase().startsWith("mailto:") ? url.slice(7) : url);
  return anchor(url, emojify(shown));
}

function anchor(url, text) {
  return `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(text)}</a>`;
}

// ---- inline formatting ----------------------------------------------------------------

// What may stand just outside a *, _ or ~: a space, punctuation, a tag this module wrote,
// or a placeholder.
const BEFORE = `(^|[\\s.,;:!?()\\[\\]{}'"<>/\\u2013\\u2014\\u201c\\u201d\\u2018\\u2019${CLOSE}-])`;
const AFTER = `(?=$|[\\s.,;:!?()\\[\\]{}'"<>/\\u2013\\u2014\\u201c\\u201d\\u2018\\u2019${OPEN}-])`;

function styled(html, mark, tag) {
  const m = `\\${mark}`;
  const re = new RegExp(`${BEFORE}${m}([^\\s${m}](?:[^${m}\\n]*?[^\\s${m}])?)${m}${AFTER}`, "g");
  return html.replace(re, (_, before, inside) => `${before}<${tag}>${inside}</${tag}>`);
}

function inline(text, ctx) {
  const saved = [];
  const keep = (html) => `${OPEN}${saved.push(html) - 1}${CLOSE}`;
  let s = text.replace(/`([^`\n]+)`/g, (_, code) => keep(`<code>${escapeHtml(decodeEntities(code))}</code>`));
  s = s.replace(/<([^<>\n]*)>/g, (_, inner) => keep(special(inner, ctx)));
  // Quotes need no escaping outside attributes, and leaving them keeps them usable as
  // punctuation around *bold*.
  s = emojify(decodeEntities(s)).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  s = styled(s, "*", "b");
  s = styled(s, "_", "i");
  s = styled(s, "~", "s");
  return s.replace(new RegExp(`${OPEN}(\\d+)${CLOSE}`, "g"), (_, i) => saved[Number(i)]);
}

// ---- blocks: quotes and line breaks ---------------------------------------------------

const QUOTE = /^(?:>|&gt;)\s?/;
const QUOTE_REST = /^(?:>>>|&gt;&gt;&gt;)\s?/;

function lines(text, ctx) {
  const out = [];
  let quoted = [];
  const flush = () => {
    if (quoted.length) out.push(`<blockquote>${quoted.join("<br>")}</blockquote>`);
    quoted = [];
  };
  const all = text.split("\n");
  for (let i = 0; i < all.length; i += 1) {
    const line = all[i];
    if (QUOTE_REST.test(line)) {
      // `>>>` quotes everything after it.
      quoted.push(...[line.replace(QUOTE_REST, ""), ...all.slice(i + 1)].map((l) => inline(l, ctx)));
      break;
    }
    if (QUOTE.test(line)) {
      quoted.push(inline(line.replace(QUOTE, ""), ctx));
    } else {
      flush();
      out.push(inline(line, ctx));
    }
  }
  flush();
  // A blockquote is a block of its own: no <br> right before or after it.
  return out.join("<br>").replace(/<br>(<blockquote>)/g, "$1").replace(/(<\/blockquote>)<br>/g, "$1");
}

/**
 * Slack mrkdwn → safe HTML.
 * ctx: { users: [{id, real_name, name}], channels: [{id, name}], tz: "Europe/Lisbon", now: Date }
 */
export function mrkdwnToHtml(text, ctx = {}) {
  const clean = String(text ?? "").replace(/[\uE000\uE001]/g, "").replace(/\r\n?/g, "\n");
  const parts = clean.split("```");
  // An unclosed fence is shown as typed.
  if (parts.length % 2 === 0) parts.splice(-2, 2, `${parts[parts.length - 2]}\`\`\`${parts[parts.length - 1]}`);
  return parts
    .map((part, i) => {
      if (i % 2 === 1) {
        const code = decodeEntities(part).replace(/^\n/, "").replace(/\n$/, "");
        return `<pre class="mrkdwn-pre">${escapeHtml(code)}</pre>`;
      }
      return part ? lines(part, ctx) : "";
    })
    .join("");
}
