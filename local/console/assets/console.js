// The console page script: fills the sections from /console/api/… and refreshes them. Text is
// always set as text (never parsed as HTML): what the emulators hold came from outside.
const token = document.querySelector('meta[name="console-token"]').content;
const REFRESH_MS = 2000;
let selected = new URLSearchParams(location.search).get('user') ?? '';
let query = '';

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'onclick') node.addEventListener('click', value);
    else if (value !== undefined && value !== false) node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children.flat().map((child) => (child instanceof Node ? child : String(child ?? ''))));
  return node;
}

async function api(path, init) {
  const response = await fetch(`/console/api/${path}`, init);
  const body = await response.json();
  if (!response.ok) throw new Error(body.message ?? `${response.status}`);
  return body;
}

function table(headers, rows, numeric = []) {
  return el(
    'table',
    {},
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        headers.map((h, i) => el('th', { scope: 'col', class: numeric.includes(i) ? 'num' : undefined }, h)),
      ),
    ),
    el(
      'tbody',
      {},
      rows.map((row) =>
        el(
          'tr',
          {},
          row.map((cell, i) => el('td', { class: numeric.includes(i) ? 'num' : undefined }, cell)),
        ),
      ),
    ),
  );
}

function show(id, ...content) {
  document.getElementById(id).replaceChildren(...content);
}

async function refreshUsers() {
  const users = await api(`users?q=${encodeURIComponent(query)}`);
  if (!selected && users[0]) selected = users[0].appUserId;
  show(
    'user-list',
    ...users.map((user) =>
      el(
        'li',
        {},
        el(
          'button',
          {
            type: 'button',
            'aria-current': user.appUserId === selected ? 'true' : 'false',
            onclick: () => pick(user.appUserId),
          },
          userLabel(user),
        ),
      ),
    ),
  );
  if (users.length === 0) show('user-list', el('li', { class: 'muted' }, 'No user matches.'));
}

function userLabel(user) {
  const events = user.events === 0 ? '' : ` (${user.events} event${user.events === 1 ? '' : 's'})`;
  return `${user.appUserId}${user.name ? ` · ${user.name}` : ''}${events}`;
}

function pick(appUserId) {
  selected = appUserId;
  history.replaceState(null, '', `?user=${encodeURIComponent(appUserId)}`);
  void refreshUsers();
  void refreshUser();
}

function recordList(record, fields) {
  const shown = fields.filter((field) => record[field] !== undefined && record[field] !== null);
  return el(
    'dl',
    { class: 'record' },
    shown.flatMap((field) => [el('dt', {}, field), el('dd', {}, format(record[field]))]),
  );
}

function format(value) {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const FIELDS = {
  Contact: ['Id', 'FirstName', 'LastName', 'Email', 'App_User_Id__c'],
  Account: ['Id', 'Name', 'App_Account_Id__c', 'Plan__c', 'Seats_Used__c', 'Active_Users_7d__c', 'Usage_Synced_At__c'],
};

async function refreshUser() {
  if (!selected) return;
  const view = await api(`users/${encodeURIComponent(selected)}`);
  show('user-title', `User ${view.appUserId}`);
  if (!view.mixpanel)
    show('timeline', el('p', { class: 'muted' }, 'Mixpanel is the real API: its timeline is in Mixpanel.'));
  else {
    const entries = view.mixpanel.timeline.map((entry) =>
      el(
        'li',
        { class: entry.kind },
        el('span', { class: 'badge' }, entry.kind),
        ' ',
        el('strong', {}, entry.event),
        ' ',
        el('time', { datetime: entry.time }, entry.time),
        el('p', { class: 'details' }, entry.details.map(([k, v]) => `${k}: ${v}`).join(' · ')),
      ),
    );
    const profile = view.mixpanel.profile;
    show(
      'timeline',
      entries.length
        ? el('ol', { class: 'timeline', 'aria-label': 'Events, newest first' }, entries)
        : el('p', { class: 'muted' }, 'No events yet.'),
      ...(profile ? [el('h3', {}, 'Profile'), recordList(profile, Object.keys(profile).slice(0, 16))] : []),
    );
  }
  const sf = view.salesforce;
  if (!sf) return show('records', el('p', { class: 'muted' }, 'Salesforce is the real org: its records are there.'));
  show(
    'records',
    el('h4', {}, 'Contact'),
    sf.contact
      ? recordList(sf.contact, FIELDS.Contact)
      : el('p', { class: 'muted' }, 'No Contact has this app user id.'),
    ...(sf.account ? [el('h4', {}, 'Account'), recordList(sf.account, FIELDS.Account)] : []),
    el('h4', {}, `Cases (${sf.cases.length})`),
    sf.cases.length
      ? table(
          ['Case', 'Zendesk ticket', 'Subject', 'Status', 'Priority'],
          sf.cases.map((c) => [c.CaseNumber, c.Zendesk_Ticket_Id__c, c.Subject, c.Status, c.Priority]),
        )
      : el('p', { class: 'muted' }, 'None.'),
    el('h4', {}, `Terms acceptances (${sf.termsAcceptances.length})`),
    sf.termsAcceptances.length
      ? table(
          ['Acceptance', 'Version', 'Accepted at'],
          sf.termsAcceptances.map((t) => [t.Acceptance_Id__c, t.Terms_Version__c, t.Accepted_At__c]),
        )
      : el('p', { class: 'muted' }, 'None.'),
    ...(sf.opportunities.length
      ? [
          el('h4', {}, `Opportunities (${sf.opportunities.length})`),
          table(
            ['Name', 'Stage', 'Amount', 'Close date'],
            sf.opportunities.map((o) => [o.Name, o.StageName, o.Amount, o.CloseDate]),
          ),
        ]
      : []),
  );
}

async function redrive(queue) {
  const status = document.getElementById('status');
  status.textContent = `Redriving ${queue.deadLetter.name}…`;
  try {
    const result = await api(`queues/${encodeURIComponent(queue.logicalId)}/redrive`, {
      method: 'POST',
      headers: { 'x-console-token': token },
    });
    const stopped = result.error ? ` It stopped early: ${result.error}` : '';
    const moved = `Redrove ${result.redriven} message(s) from ${queue.deadLetter.name} to ${queue.name}.`;
    status.textContent = moved + stopped;
  } catch (error) {
    status.textContent = `Redrive of ${queue.deadLetter.name} failed: ${error.message}`;
  }
  await refreshQueues();
}

const waiting = (d) => d.visible + d.inFlight + d.delayed;

async function refreshQueues() {
  const queues = await api('queues');
  show(
    'queues',
    table(
      ['Queue', 'Waiting', 'In flight', 'Delayed', 'Dead letters', 'Reasons', ''],
      queues.map((q) => {
        const dead = waiting(q.deadLetter.depth);
        const reasons = (q.deadLetter.reasons ?? []).map((r) => `${r.code} × ${r.count}`).join(', ');
        return [
          q.name,
          q.depth.visible,
          q.depth.inFlight,
          q.depth.delayed,
          el('span', { class: dead > 0 ? 'bad' : 'good' }, dead),
          reasons || (dead > 0 ? '' : '—'),
          el(
            'button',
            {
              type: 'button',
              class: 'redrive',
              disabled: dead === 0,
              'aria-label': `Redrive ${q.deadLetter.name} to ${q.name}`,
              onclick: () => redrive(q),
            },
            'Redrive',
          ),
        ];
      }),
      [1, 2, 3, 4],
    ),
  );
}

async function refreshRelays() {
  const relays = await api('relays');
  show(
    'relays',
    relays.length
      ? table(
          ['Ended', 'Consumer', 'Batch', 'What happened'],
          relays.map((r) => [
            el('time', { datetime: r.endedAt }, r.endedAt.slice(11, 19)),
            r.functionName,
            r.size,
            el('span', { class: r.outcome === 'ok' ? undefined : 'bad' }, r.line.replace(/^\[[^\]]*\] /, '')),
          ]),
          [2],
        )
      : el('p', { class: 'muted' }, 'No batch relayed since the hub started.'),
  );
}

function pauseText(pause) {
  return pause.paused ? `paused, ${pause.remainingSeconds} s left` : 'not paused';
}

async function refreshBudgets() {
  const budgets = await api('budgets');
  const sf = budgets.salesforce;
  const used = sf.estimate === undefined ? 'no call recorded yet' : `≈ ${sf.estimate} calls in the rolling 24 h`;
  show(
    'budgets',
    el('h3', {}, `Salesforce ledger${sf.org ? ` (${sf.org})` : ''}`),
    table(
      ['', 'Now'],
      [
        ['Used', `${used}${sf.usedPercent === undefined ? '' : ` (${sf.usedPercent} %)`}`],
        ['Interactive cap', sf.caps ? sf.caps.interactive : '—'],
        [`Sync cap (${sf.guardPercent} %)`, sf.caps ? sf.caps.sync : '—'],
        [
          'Calls',
          el(
            'span',
            { class: sf.paused ? 'bad' : 'good' },
            sf.paused ? `paused, ${sf.remainingSeconds} s left (${sf.pauseReason})` : 'not paused',
          ),
        ],
      ],
    ),
    el('h3', {}, 'Shared pauses after a 429'),
    table(
      ['API', 'Now', 'Limit'],
      ['mixpanel', 'zendesk'].map((name) => [
        name,
        el('span', { class: budgets[name].paused ? 'bad' : 'good' }, pauseText(budgets[name])),
        budgets[name].limit,
      ]),
    ),
    ...(budgets.problems.length
      ? [
          el(
            'ul',
            { class: 'bad' },
            budgets.problems.map((problem) => el('li', {}, problem)),
          ),
        ]
      : []),
  );
}

async function refresh() {
  const results = await Promise.allSettled([refreshQueues(), refreshRelays(), refreshBudgets(), refreshUser()]);
  const failed = results.find((r) => r.status === 'rejected');
  document.getElementById('refreshed').textContent = failed
    ? `Refresh failed (${failed.reason.message}); retrying.`
    : `Updated ${new Date().toLocaleTimeString()}.`;
  setTimeout(refresh, REFRESH_MS);
}

let typing;
document.getElementById('user-search').addEventListener('input', (event) => {
  clearTimeout(typing);
  typing = setTimeout(() => {
    query = event.target.value;
    void refreshUsers();
  }, 200);
});
await refreshUsers();
void refresh();
