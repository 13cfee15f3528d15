// The simulated Slack client: pick who you are, talk in #general, use the app's Home and
// Messages tabs, and see everything the bot sends as soon as it sends it (long polling).
import { api } from "./api.js";
import { renderBlocks, renderMessageBody } from "./blocks.js";
import { clear, h, safeUrl, timeOf, toast } from "./dom.js";
import { Modals } from "./modal.js";

const $ = (id) => document.getElementById(id);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const app = {
  people: new Map(), me: null, version: -1, generation: 0,
  pane: "channel", tab: "home", seenDm: 0, dmCount: 0, drawn: {},
};

async function act(body) {
  const answer = await api.action(app.me, body);
  if (!answer.ok) toast(`The app didn't answer: ${answer.error}`);
}

const modals = new Modals($("modal-layer"), {
  action: (viewId, block, element, value, values) =>
    act({ view_id: viewId, block_id: block.block_id, action_id: element.action_id, value, values }),
  submit: (viewId, values) => api.submit(app.me, viewId, values),
  close: (viewId) => api.close(app.me, viewId),
});

// Rendering context for a message or a Home view: its elements report through `onAction`.
function context(onAction) {
  const act = (block, element, value) =>
    onAction({ block_id: block.block_id, action_id: element.action_id, value });
  return { people: app.people, act, errors: {}, input: () => undefined, setInput: () => {} };
}

function messageMenu(message) {
  const shortcuts = app.directory.shortcuts.filter((shortcut) => shortcut.type === "message");
  const use = (shortcut) => {
    menu.hidden = true;
    api.shortcut(app.me, { callback_id: shortcut.callback_id, channel: message.channel, ts: message.ts });
  };
  const menu = h("div", { class: "menu", hidden: true },
    shortcuts.map((shortcut) => h("button", { type: "button", onclick: () => use(shortcut) }, shortcut.name)));
  const toggle = () => { menu.hidden = !menu.hidden; };
  const more = h("button", { type: "button", class: "msg-more", "aria-label": "More actions", onclick: toggle }, "⋯");
  const react = async () => {
    const answer = await api.react(app.me, message.ts);
    if (!answer.ok) toast(`The app didn't answer: ${answer.error}`);
  };
  const clap = h("button", { type: "button", class: "msg-react", title: `React with :${app.directory.reaction}:`,
    "aria-label": `React with ${app.directory.reaction}`, onclick: react }, "👏");
  return h("div", { class: "msg-tools" }, clap, more, menu);
}

function messageNode(message) {
  const author = app.people.get(message.user) || { name: message.user };
  const ctx = context((action) => act({ channel: message.channel, ts: message.ts, ...action }));
  const head = h("div", { class: "msg-head" },
    h("span", { class: "msg-author", text: author.name }),
    author.app ? h("span", { class: "app-badge", text: "APP" }) : null,
    h("span", { class: "msg-time", text: timeOf(message.ts) }));
  const onlyYou = message.ephemeral ? h("div", { class: "only-you", text: "Only visible to you" }) : null;
  const node = h("div", { class: `msg${message.ephemeral ? " ephemeral" : ""}`, "data-ts": message.ts },
    h("img", { class: "avatar", src: safeUrl(author.avatar), alt: "" }),
    h("div", { class: "msg-main" }, head, onlyYou, renderMessageBody(message, ctx)));
  if (!message.ephemeral && message.channel === app.directory.channel.id) node.append(messageMenu(message));
  return node;
}

function drawOnce(name, data, draw) {
  const key = JSON.stringify(data);
  if (app.drawn[name] === key) return;
  app.drawn[name] = key;
  draw();
}

function drawMessages(list, messages, empty) {
  const shown = messages.length ? messages.map(messageNode) : [h("p", { class: "empty", text: empty })];
  clear(list).append(...shown);
  list.scrollTop = list.scrollHeight;
}

function drawHome(home) {
  const ctx = context((action) => act({ view_id: home.view.id, ...action }));
  const shown = home ? renderBlocks(home.view.blocks, ctx) : h("p", { class: "empty", text: "Opening Home…" });
  clear($("home")).append(shown);
}

function render(snapshot) {
  const channelId = app.directory.channel.id;
  const channel = snapshot.messages.filter((message) => message.channel === channelId);
  const dms = snapshot.messages.filter((message) => message.channel.startsWith("D"));
  drawOnce("channel", channel, () => drawMessages($("channel-messages"), channel, "No messages yet."));
  drawOnce("dm", dms, () => drawMessages($("dm-messages"), dms, "Nothing from Kudos Bridge yet."));
  drawOnce("home", snapshot.home, () => drawHome(snapshot.home));
  app.dmCount = dms.length;
  if (app.pane === "app" && app.tab === "messages") app.seenDm = dms.length;
  const unread = dms.length - app.seenDm;
  $("app-unread").hidden = unread <= 0;
  $("app-unread").textContent = String(unread);
  modals.show(snapshot.modal, app.people);
}

async function poll(generation) {
  while (generation === app.generation) {
    try {
      const snapshot = await api.state(app.me, app.version);
      if (generation !== app.generation) return;
      if (snapshot.error) throw new Error(snapshot.error);
      app.version = snapshot.version;
      render(snapshot);
    } catch {
      await sleep(1000);
    }
  }
}

function show(pane, tab = app.tab) {
  Object.assign(app, { pane, tab });
  $("channel-view").hidden = pane !== "channel";
  $("app-view").hidden = pane !== "app";
  $("nav-channel").classList.toggle("active", pane === "channel");
  $("nav-app").classList.toggle("active", pane === "app");
  $("home").hidden = tab !== "home";
  $("dm-pane").hidden = tab !== "messages";
  $("tab-home").setAttribute("aria-selected", String(tab === "home"));
  $("tab-messages").setAttribute("aria-selected", String(tab === "messages"));
  if (pane !== "app") return;
  if (tab === "messages") { app.seenDm = app.dmCount; $("app-unread").hidden = true; }
  api.open(app.me, tab); // Slack's app_home_opened, for either tab
}

function become(userId) {
  const person = app.people.get(userId);
  localStorage.setItem("sandbox-user", userId);
  Object.assign(app, { me: userId, version: -1, seenDm: 0, dmCount: 0, drawn: {} });
  app.generation += 1;
  modals.reset();
  $("me-avatar").src = safeUrl(person.avatar);
  $("me-name").textContent = person.name;
  $("chooser").hidden = true;
  show("channel");
  poll(app.generation);
}

function personButton(person) {
  return h("button", { type: "button", class: "person", onclick: () => become(person.id) },
    h("img", { src: safeUrl(person.avatar), alt: "" }),
    h("span", {}, h("strong", { text: person.name }), h("small", { text: `@${person.handle} · ${person.title}` })));
}

function shortcutButton(shortcut) {
  const use = () => {
    $("shortcuts-menu").hidden = true;
    api.shortcut(app.me, { callback_id: shortcut.callback_id });
  };
  return h("button", { type: "button", onclick: use }, shortcut.name);
}

async function say(event) {
  event.preventDefault();
  const text = $("composer-input").value.trim();
  if (!text || !app.me) return;
  $("composer-input").value = "";
  const answer = await api.say(app.me, text);
  if (answer.error && answer.error.startsWith("unknown user")) toast(answer.error);
}

function setUp() {
  const people = app.directory.people;
  const globals = app.directory.shortcuts.filter((shortcut) => shortcut.type === "global");
  $("chooser-people").append(...people.map(personButton));
  $("people-list").append(...people.map((person) => h("li", { text: `@${person.handle} · ${person.name}` })));
  $("shortcuts-menu").append(...globals.map(shortcutButton));
  $("shortcuts-button").addEventListener("click", () => { $("shortcuts-menu").hidden = !$("shortcuts-menu").hidden; });
  $("switch-user").addEventListener("click", () => { $("chooser").hidden = false; });
  $("nav-channel").addEventListener("click", () => show("channel"));
  $("nav-app").addEventListener("click", () => show("app", app.tab));
  $("tab-home").addEventListener("click", () => show("app", "home"));
  $("tab-messages").addEventListener("click", () => show("app", "messages"));
  $("composer").addEventListener("submit", say);
  document.querySelectorAll(".try").forEach((chip) => chip.addEventListener("click", () => {
    $("composer-input").value = chip.textContent;
    $("composer-input").focus();
  }));
}

// The platform switch: which simulated platform /recognize and /kudos link use.
async function setUpPlatforms() {
  const { platforms, platform } = await api.platforms();
  const select = $("platform");
  select.append(...platforms.map((p) => h("option", { value: p.name, text: p.display_name })));
  select.value = platform;
  select.addEventListener("change", async () => {
    const answer = await api.choosePlatform(select.value);
    if (!answer.ok) { toast(`Not switched: ${answer.error}`); return; }
    const chosen = platforms.find((p) => p.name === answer.platform);
    toast(`Now on ${chosen.display_name}: /recognize and /kudos link use it.`);
  });
}

async function boot() {
  app.directory = await api.workspace();
  const { bot, channel } = app.directory;
  for (const person of app.directory.people) app.people.set(person.id, person);
  app.people.set(bot.id, { ...bot, bot: true, app: true });
  app.people.set(channel.id, { ...channel });
  app.people.set("USLACKBOT", { id: "USLACKBOT", name: "Slackbot", bot: true, avatar: bot.avatar });
  setUp();
  await setUpPlatforms();
  const saved = localStorage.getItem("sandbox-user");
  if (app.directory.people.some((person) => person.id === saved)) become(saved);
  else $("chooser").hidden = false;
}

boot();
