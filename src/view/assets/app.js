// Shoal's cluster view: reads /shoal/api/state, draws it, and reads it again whenever /shoal/api/events says
// something happened (and every few seconds in case the stream is down). Text goes in as text, never as HTML.
/* global document, window, fetch, EventSource, URL */
'use strict';

const REFRESH_DELAY_MS = 100;
const POLL_MS = 5000;
const MAX_EVENTS = 30;

/** An element with attributes (class, data-*, title…) and children (strings become text). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else node.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  return node;
}

function bytes(n) {
  if (!n) return '0 B';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n >= 10 || i === 0 ? Math.round(n) : n.toFixed(1)} ${units[i]}`;
}

function cpus(n) {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

function clock(iso) {
  const d = new Date(iso);
  return el('time', { datetime: iso }, d.toLocaleTimeString());
}

/** A reserved / total bar. */
function bar(kind, label, used, total, format) {
  const share = total > 0 ? Math.min(used / total, 1) : 0;
  const fill = el('div', { class: 'bar-fill' });
  fill.style.width = `${(share * 100).toFixed(1)}%`;
  return el(
    'div',
    {
      class: `bar ${kind}${share >= 1 ? ' full' : ''}`,
      role: 'meter',
      'aria-label': `${label} reserved`,
      'aria-valuemin': 0,
      'aria-valuemax': total,
      'aria-valuenow': used,
      'data-bar': kind,
    },
    el(
      'div',
      { class: 'bar-text' },
      el('span', {}, label),
      el('span', {}, `${format(used)} / ${format(total)} reserved`),
    ),
    el('div', { class: 'bar-track' }, fill),
  );
}

function labels(engine) {
  const own = Object.entries(engine.labels).map(([k, v]) =>
    el('span', { class: 'label', title: 'engine label' }, `${k}=${v}`),
  );
  const builtin = Object.entries(engine.builtinLabels).map(([k, v]) =>
    el('span', { class: 'label muted', title: 'built-in label' }, `${k}=${v}`),
  );
  return el('div', { class: 'labels' }, own, builtin);
}

function containerRow(c) {
  return el(
    'li',
    { 'data-container': c.name, 'data-id': c.id },
    el('span', { class: 'name', title: c.id }, c.name || c.id.slice(0, 12)),
    c.task ? el('span', { class: 'task', title: 'service task' }, c.task) : null,
    el('span', { class: 'image' }, c.image),
    el('span', { class: `cstate ${c.state}` }, c.state),
  );
}

function engineCard(e) {
  const tasksWithoutContainer = e.tasks.filter(
    (t) => !t.container || !e.containers.some((c) => c.id === t.container),
  );
  return el(
    'article',
    { class: `engine ${e.state.toLowerCase()}`, 'data-engine': e.name },
    el(
      'div',
      { class: 'engine-head' },
      el('h3', {}, e.name),
      el('span', { class: `state ${e.state}`, 'data-state': e.state }, e.state),
      el('span', { class: 'addr muted' }, e.addr),
    ),
    e.error && !e.healthy ? el('p', { class: 'error' }, e.error) : null,
    labels(e),
    bar('cpu', 'CPU', e.reservedCpus, e.cpus, cpus),
    bar('memory', 'Memory', e.reservedMemory, e.memory, bytes),
    el(
      'div',
      { class: 'muted' },
      `${e.containerCount} container${e.containerCount === 1 ? '' : 's'}`,
      e.tasks.length ? `, ${e.tasks.length} task${e.tasks.length === 1 ? '' : 's'}` : '',
      e.containerCount > e.containers.length ? ` (newest ${e.containers.length} shown)` : '',
    ),
    el(
      'ul',
      { class: 'containers' },
      e.containers.map(containerRow),
      tasksWithoutContainer.map((t) =>
        el(
          'li',
          { 'data-task': t.name },
          el('span', { class: 'task' }, t.name),
          el('span', { class: 'image' }, `task, desired ${t.desiredState}`),
          el('span', { class: `cstate ${t.state}` }, t.state),
        ),
      ),
    ),
  );
}

function rejections(d) {
  if (!d.rejected.length) return null;
  return el(
    'details',
    { open: openDecisions.has(d.seq) || !d.ok ? '' : undefined, 'data-seq': d.seq },
    el('summary', {}, `${d.rejected.length} engine${d.rejected.length === 1 ? '' : 's'} rejected`),
    el(
      'table',
      { class: 'rejections' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Engine'), el('th', {}, 'Filter'), el('th', {}, 'Why'))),
      el(
        'tbody',
        {},
        d.rejected.map((r) =>
          el(
            'tr',
            { 'data-rejected': r.node },
            el('td', {}, r.node),
            el('td', {}, r.filter),
            el('td', {}, r.reason),
          ),
        ),
      ),
    ),
  );
}

function decisionItem(d) {
  const what = d.name || '(unnamed)';
  return el(
    'li',
    {
      class: `decision ${d.ok ? 'placed' : 'failed'}`,
      'data-decision': d.name,
      'data-ok': String(d.ok),
      'data-seq': d.seq,
    },
    el(
      'div',
      { class: 'decision-head' },
      clock(d.time),
      el('span', { class: 'outcome' }, d.ok ? `${what} → ${d.engine}` : `${what}: no engine`),
      el('span', { class: 'muted' }, d.image),
      d.serviceId ? el('span', { class: 'task' }, 'service task') : null,
      !d.ok && d.filter ? el('span', { class: 'muted' }, `rejected by ${d.filter}`) : null,
    ),
    el('p', { class: 'reason' }, d.reason),
    rejections(d),
  );
}

function serviceRow(s) {
  const mode = s.replicas === undefined ? s.mode : `${s.mode} (${s.replicas})`;
  return el(
    'tr',
    { 'data-service': s.name },
    el('td', {}, s.name),
    el('td', {}, mode),
    el('td', {}, s.replicas === undefined ? String(s.running) : `${s.running}/${s.replicas}`),
  );
}

const openDecisions = new Set();

function render(state) {
  const m = state.manager;
  document.getElementById('manager').textContent =
    `v${m.version}, ${m.role}${m.primary ? ` (leader ${m.primary})` : ''}, strategy ${m.strategy}, filters ${m.filters.join(', ')}`;
  const healthy = state.engines.filter((e) => e.healthy).length;
  document.getElementById('engine-count').textContent = `${healthy} of ${state.engines.length} healthy`;
  document.getElementById('engines').replaceChildren(...state.engines.map(engineCard));
  // Rejection lists the reader opened stay open across redraws.
  for (const d of document.querySelectorAll('#decisions details[open]'))
    openDecisions.add(Number(d.dataset.seq));
  document.getElementById('decisions').replaceChildren(...state.decisions.map(decisionItem));
  document.getElementById('no-decisions').hidden = state.decisions.length > 0;
  document.querySelector('#services tbody').replaceChildren(...state.services.map(serviceRow));
  document.getElementById('no-services').hidden = state.services.length > 0;
  document.getElementById('updated').textContent = `updated ${new Date(state.time).toLocaleTimeString()}`;
}

function problem(text) {
  const p = document.getElementById('problem');
  p.hidden = !text;
  p.textContent = text || '';
}

let loading = false;
let again = false;
async function load() {
  if (loading) {
    again = true;
    return;
  }
  loading = true;
  try {
    const res = await fetch(new URL('api/state', window.location.href), { cache: 'no-store' });
    if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
    render(await res.json());
    problem('');
  } catch (err) {
    problem(`Cannot read the cluster state: ${err.message}`);
  } finally {
    loading = false;
    if (again) {
      again = false;
      soon();
    }
  }
}

let timer;
function soon() {
  if (timer === undefined)
    timer = window.setTimeout(() => ((timer = undefined), void load()), REFRESH_DELAY_MS);
}

function noteEvent(ev) {
  const list = document.getElementById('events');
  const text = [ev.type, ev.action, ev.name, ev.node ? `on ${ev.node}` : ''].filter(Boolean).join(' ');
  list.prepend(el('li', {}, clock(new Date(ev.time * 1000).toISOString()), ' ', text));
  while (list.children.length > MAX_EVENTS) list.lastChild.remove();
}

function connect() {
  const live = document.getElementById('live');
  const source = new EventSource(new URL('api/events', window.location.href));
  source.addEventListener('open', () => {
    live.className = 'live on';
    live.textContent = 'live';
    soon();
  });
  source.addEventListener('error', () => {
    live.className = 'live off';
    live.textContent = 'reconnecting…';
  });
  source.addEventListener('docker', (e) => {
    const ev = JSON.parse(e.data);
    noteEvent(ev);
    // An engine going down or coming back is shown at once; other events may come in bursts.
    if (ev.type === 'swarm') void load();
    else soon();
  });
  source.addEventListener('decision', soon);
  source.addEventListener('change', soon);
}

void load();
connect();
window.setInterval(() => void load(), POLL_MS);
