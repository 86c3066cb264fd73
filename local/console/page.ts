/**
 * The console's one page: a server-rendered shell whose sections the page script fills from the
 * JSON endpoints under `/console/api/` and refreshes every few seconds. Nothing is loaded from
 * elsewhere (the hub runs offline); the token for state-changing requests rides in a meta tag.
 */
export function consolePage(options: { token: string; hubUrl: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="console-token" content="${escapeHtml(options.token)}">
<title>Switchboard console</title>
<link rel="stylesheet" href="/console/console.css">
<script type="module" src="/console/console.js"></script>
</head>
<body>
<header class="top">
  <h1>Switchboard console</h1>
  <p class="muted">Local hub at <code>${escapeHtml(options.hubUrl)}</code>.
    <span id="refreshed" aria-live="off">Loading…</span></p>
</header>
<noscript><p class="notice">This page refreshes with JavaScript. Without it, read the JSON under
  <a href="/console/api/queues">/console/api/queues</a>, <a href="/console/api/relays">relays</a>,
  <a href="/console/api/budgets">budgets</a> and <a href="/console/api/users">users</a>.</p></noscript>
<p id="status" class="status" role="status" aria-live="polite"></p>
<main class="grid">
  <section class="card users" aria-labelledby="users-title">
    <h2 id="users-title">Users</h2>
    <label for="user-search">Find a user (app user id, name or e-mail)</label>
    <input id="user-search" type="search" autocomplete="off" placeholder="u_000001">
    <ul id="user-list" class="user-list" aria-label="Users"></ul>
  </section>
  <section class="card user" aria-labelledby="user-title">
    <h2 id="user-title">Pick a user</h2>
    <div class="columns">
      <div>
        <h3>Timeline in Mixpanel</h3>
        <div id="timeline"><p class="muted">The user's events, newest first.</p></div>
      </div>
      <div>
        <h3>Records in Salesforce</h3>
        <div id="records"><p class="muted">The user's Contact, Account, Cases and terms acceptances.</p></div>
      </div>
    </div>
  </section>
  <section class="card wide" aria-labelledby="queues-title">
    <h2 id="queues-title">Queues and dead-letter queues</h2>
    <div id="queues"></div>
  </section>
  <section class="card wide" aria-labelledby="budgets-title">
    <h2 id="budgets-title">API budgets</h2>
    <div id="budgets"></div>
  </section>
  <section class="card wide" aria-labelledby="relays-title">
    <h2 id="relays-title">Recent relays</h2>
    <div id="relays"></div>
  </section>
</main>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
