// The page's calls to the simulated Slack (JSON), always on behalf of the chosen person.

async function post(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  try {
    return await response.json();
  } catch {
    return { ok: false, error: `HTTP ${response.status}` };
  }
}

export const api = {
  workspace: () => fetch("/sandbox/workspace").then((response) => response.json()),
  state: (user, since) =>
    fetch(`/sandbox/state?user=${encodeURIComponent(user)}&since=${since}`).then((r) => r.json()),
  say: (user, text) => post("/sandbox/say", { user, text }),
  action: (user, body) => post("/sandbox/action", { user, ...body }),
  submit: (user, viewId, values) => post("/sandbox/submit", { user, view_id: viewId, values }),
  close: (user, viewId) => post("/sandbox/close", { user, view_id: viewId }),
  shortcut: (user, body) => post("/sandbox/shortcut", { user, ...body }),
  open: (user, tab) => post("/sandbox/open", { user, tab }),
  react: (user, ts) => post("/sandbox/react", { user, ts }),
  platforms: () => fetch("/sandbox/platform").then((response) => response.json()),
  choosePlatform: (platform) => post("/sandbox/platform", { platform }),
};
