/* Gorgon stats page, operator side: login with an operator token, then act on the mesh through /api/ops.
   The token lives in this tab's sessionStorage and travels only in the Authorization header, never in a URL. */
(function () {
  'use strict';

  const KEY = 'gorgonOperatorToken';
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  const state = { operator: null, dlqQueue: '', dlqNext: null, results: 0 };

  function token() { return sessionStorage.getItem(KEY); }

  async function api(path, body) {
    const opts = { cache: 'no-store', headers: { Authorization: 'Bearer ' + token() } };
    if (body) {
      opts.method = 'POST';
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    const res = await fetch(path, opts);
    const p = await res.json().catch(() => ({ message: res.statusText }));
    if (res.status === 401) setOperator(null);
    if (!res.ok) throw new Error(p.message || res.statusText);
    return p;
  }

  // ---------- modal: confirmation and login ----------

  function modal(text, { input = false, ok = 'confirm' } = {}) {
    return new Promise((resolve) => {
      $('modal-text').textContent = text;
      $('modal-input').hidden = !input;
      $('modal-input').value = '';
      $('modal-ok').textContent = ok;
      $('modal').hidden = false;
      if (input) $('modal-input').focus();
      const done = (v) => {
        $('modal').hidden = true;
        $('modal-ok').onclick = $('modal-cancel').onclick = $('modal-input').onkeydown = null;
        resolve(v);
      };
      $('modal-ok').onclick = () => done(input ? $('modal-input').value : true);
      $('modal-cancel').onclick = () => done(null);
      $('modal-input').onkeydown = (e) => { if (e.key === 'Enter') done($('modal-input').value); };
    });
  }

  function toast(text, bad) {
    const t = $('toast');
    t.textContent = text;
    t.className = 'toast' + (bad ? ' bad' : '');
    t.hidden = false;
    t.dataset.seq = String(++state.results);
    clearTimeout(t.timer);
    t.timer = setTimeout(() => { t.hidden = true; }, 8000);
  }

  function setOperator(name) {
    state.operator = name;
    if (!name) sessionStorage.removeItem(KEY);
    document.body.classList.toggle('is-operator', !!name);
    $('op-name').textContent = name ? 'operator: ' + name : 'read-only';
    $('op-login').hidden = !!name;
    $('op-logout').hidden = !name;
    if (name) { refreshAudit(); refreshScale(); }
  }

  async function login() {
    const t = await modal('Operator token (stats.operatorToken, or one minted with "gorgon operator-token"):', { input: true, ok: 'log in' });
    if (!t) return;
    sessionStorage.setItem(KEY, t.trim());
    try {
      const p = await api('/api/ops/whoami');
      setOperator(p.operator);
      toast('logged in as ' + p.operator);
    } catch (e) {
      setOperator(null);
      toast('login failed: ' + e.message, true);
    }
  }

  // ---------- actions ----------

  const QUESTIONS = {
    requeue: (a) => a.entry ? `Requeue dead letter ${a.entry} onto ${a.queue}?` : `Requeue ALL dead letters of ${a.queue}?`,
    delete: (a) => a.entry ? `Delete dead letter ${a.entry} of ${a.queue}? This cannot be undone.` : `Delete ALL dead letters of ${a.queue}? This cannot be undone.`,
    pause: (a) => `Pause ${a.queue} mesh-wide? Its consumers stop taking new messages; in-flight work finishes.`,
    resume: (a) => `Resume ${a.queue}?`,
    drain: (a) => `Drain ${a.instance}? It stops taking work, finishes what it holds and exits (its role is scaled down by one).`,
    kill: (a) => `SIGKILL ${a.instance}? The supervisor restarts it like any crash.`,
    scale: (a) => `Scale ${a.role} to ${a.count} instance${a.count === 1 ? '' : 's'}?`,
  };

  async function act(a) {
    if (!(await modal(QUESTIONS[a.action](a)))) return;
    try {
      const p = await api('/api/ops/action', a);
      toast(p.message);
    } catch (e) {
      toast(e.message, true);
    }
    refreshAudit();
    if (a.action === 'requeue' || a.action === 'delete') loadDeadLetters(false);
    if (a.action === 'scale' || a.action === 'drain') refreshScale();
  }

  // Buttons anywhere on the page carry their action in data-* attributes; tables re-render every second, so one
  // delegated listener serves them all.
  document.addEventListener('click', (e) => {
    const b = e.target.closest('button[data-action]');
    if (!b || !state.operator) return;
    const a = { action: b.dataset.action };
    for (const k of ['queue', 'entry', 'instance']) if (b.dataset[k]) a[k] = b.dataset[k];
    act(a);
  });

  // ---------- dead letters ----------

  async function loadDeadLetters(more) {
    const queue = $('dlq-queue').value;
    if (!queue) return;
    if (!more) state.dlqNext = null;
    const q = new URLSearchParams({ queue, limit: '20' });
    if ($('dlq-search').value) q.set('q', $('dlq-search').value);
    if (more && state.dlqNext) q.set('after', state.dlqNext);
    try {
      const p = await api('/api/ops/dlq?' + q);
      state.dlqQueue = queue;
      state.dlqNext = p.next;
      const rows = p.letters.map((d) => `<tr data-testid="dlq-row" data-entry="${esc(d.entry)}">
        <td class="mono">${esc(d.entry)}</td>
        <td>${d.at ? new Date(d.at).toLocaleString() : '–'}</td>
        <td class="num">${esc(d.deliveries)}</td>
        <td class="reason" title="${esc(d.reason)}">${esc(d.reason)}</td>
        <td class="mono body" title="${esc(d.preview)}">${esc(d.preview)}</td>
        <td class="actions">
          <button data-action="requeue" data-queue="${esc(queue)}" data-entry="${esc(d.entry)}" data-testid="dlq-requeue">requeue</button>
          <button data-action="delete" data-queue="${esc(queue)}" data-entry="${esc(d.entry)}" class="danger" data-testid="dlq-delete">delete</button>
        </td></tr>`).join('');
      const body = $('dlq-body');
      if (more) body.insertAdjacentHTML('beforeend', rows);
      else body.innerHTML = rows || `<tr class="empty"><td colspan="6">no dead letters${$('dlq-search').value ? ' match' : ''} in ${esc(queue)}</td></tr>`;
      $('dlq-more').hidden = !p.next;
      $('dlq-hint').textContent = `${body.querySelectorAll('[data-testid="dlq-row"]').length} shown` + (p.next ? ' · more available' : '');
    } catch (e) {
      toast(e.message, true);
    }
  }

  $('dlq-go').addEventListener('click', () => loadDeadLetters(false));
  $('dlq-more').addEventListener('click', () => loadDeadLetters(true));
  $('dlq-search').addEventListener('keydown', (e) => { if (e.key === 'Enter') loadDeadLetters(false); });
  $('dlq-queue').addEventListener('change', () => loadDeadLetters(false));
  $('dlq-requeue-all').addEventListener('click', () => $('dlq-queue').value && act({ action: 'requeue', queue: $('dlq-queue').value }));
  $('dlq-delete-all').addEventListener('click', () => $('dlq-queue').value && act({ action: 'delete', queue: $('dlq-queue').value }));

  // ---------- scale and audit ----------

  async function refreshScale() {
    try {
      const p = await api('/api/ops/scale');
      const sel = $('scale-role');
      const keep = sel.value;
      sel.innerHTML = Object.entries(p.counts).map(([r, n]) => `<option value="${esc(r)}" data-count="${n}">${esc(r)} (${n})</option>`).join('');
      if (keep && p.counts[keep] != null) sel.value = keep;
      if (sel.value) $('scale-count').value = p.counts[sel.value];
      $('scale-group').style.visibility = Object.keys(p.counts).length ? '' : 'hidden'; // scaling needs 'gorgon up'
    } catch (e) { /* shown on the next action */ }
  }
  $('scale-role').addEventListener('change', () => {
    const o = $('scale-role').selectedOptions[0];
    if (o) $('scale-count').value = o.dataset.count;
  });
  $('scale-go').addEventListener('click', () => {
    const role = $('scale-role').value;
    const count = Number($('scale-count').value);
    if (role && $('scale-count').value !== '') act({ action: 'scale', role, count });
  });

  async function refreshAudit() {
    try {
      const p = await api('/api/ops/audit');
      $('audit-body').innerHTML = p.actions.map((a) => `<tr data-testid="audit-row">
        <td>${new Date(a.at).toLocaleTimeString()}</td><td class="mono">${esc(a.actor)}</td><td>${esc(a.action)}</td>
        <td class="mono">${esc(a.target)}</td><td class="${a.ok ? '' : 'bad'}">${esc(a.message)}</td></tr>`).join('')
        || '<tr class="empty"><td>none yet</td></tr>';
    } catch (e) { /* shown on the next action */ }
  }

  $('op-login').addEventListener('click', login);
  $('op-logout').addEventListener('click', () => { setOperator(null); toast('logged out'); });
  setInterval(() => { if (state.operator) refreshAudit(); }, 5000);

  /** Called by stats.js while rendering its tables: the operator's buttons for one row. */
  window.gorgonOps = {
    loggedIn: () => !!state.operator,
    queueActions(q) {
      if (!state.operator || q.topic) return '';
      const pause = q.paused
        ? `<button data-action="resume" data-queue="${esc(q.queue)}" data-testid="queue-resume">resume</button>`
        : `<button data-action="pause" data-queue="${esc(q.queue)}" data-testid="queue-pause">pause</button>`;
      return pause;
    },
    instanceActions(i) {
      if (!state.operator || i.status === 'gone') return '';
      return `<button data-action="drain" data-instance="${esc(i.id)}" data-testid="instance-drain">drain</button>
        <button data-action="kill" data-instance="${esc(i.id)}" class="danger" data-testid="instance-kill">kill</button>`;
    },
    syncQueues(names) {
      const sel = $('dlq-queue');
      const want = [''].concat(names);
      if ([...sel.options].map((o) => o.value).join('|') === want.join('|')) return;
      const keep = sel.value;
      sel.innerHTML = want.map((n) => `<option value="${esc(n)}">${esc(n || '–')}</option>`).join('');
      sel.value = want.includes(keep) ? keep : '';
    },
    results: () => state.results,
  };

  if (token()) {
    api('/api/ops/whoami').then((p) => setOperator(p.operator)).catch(() => setOperator(null));
  }
})();
