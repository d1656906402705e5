// Faultline live view: open incidents from the SSE stream, each with the dependency path from its
// root cause to the affected applications, and an entity search (health, root cause, impact).
// Plain DOM, no framework; every value from the server goes in via textContent, never as HTML.
'use strict';

const SVG_NS = 'http://www.w3.org/2000/svg';
const params = new URLSearchParams(location.search);
if (params.get('token')) sessionStorage.setItem('faultline.token', params.get('token'));
const token = sessionStorage.getItem('faultline.token');

const incidents = new Map();      // id -> incident (highest version seen)
const details = new Map();        // id -> {version, detail}
let snapshotIds = null;           // ids seen since the stream (re)connected, until its snapshot ends

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

function svg(tag, attrs) {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

function api(path) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = 'Bearer ' + token;
  return fetch(path, { headers }).then(async (r) => {
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw Object.assign(new Error(body.message || r.statusText), { status: r.status });
    return body;
  });
}

function entityLink(id) {
  const a = el('a', { class: 'entity', href: '#', 'data-entity': id, text: id });
  a.addEventListener('click', (ev) => { ev.preventDefault(); openEntity(id); });
  return a;
}

function setStatus(state, text) {
  const s = document.getElementById('connection');
  s.dataset.state = state;
  s.textContent = text;
}

// ---- the stream

function connect() {
  const url = 'api/v1/incidents/stream' + (token ? '?access_token=' + encodeURIComponent(token) : '');
  const source = new EventSource(url);
  source.onopen = () => { snapshotIds = new Set(); setStatus('connecting', 'loading…'); };
  source.addEventListener('incident', (ev) => {
    const inc = JSON.parse(ev.data);
    if (snapshotIds) snapshotIds.add(inc.id);
    upsert(inc);
  });
  source.addEventListener('snapshot', () => {
    // Anything we still show that the snapshot did not mention was resolved while we were away.
    for (const id of [...incidents.keys()]) if (!snapshotIds.has(id)) incidents.delete(id);
    snapshotIds = null;
    render();
    setStatus('live', 'live');
  });
  source.addEventListener('unavailable', (ev) => {
    const d = JSON.parse(ev.data);
    setStatus('unavailable', 'state moving between instances, retrying… (' + d.message + ')');
  });
  source.onerror = () => { if (document.getElementById('connection').dataset.state !== 'unavailable') setStatus('reconnecting', 'reconnecting…'); };
}

function upsert(inc) {
  const known = incidents.get(inc.id);
  if (known && known.version > inc.version) return;
  if (inc.open) incidents.set(inc.id, inc); else incidents.delete(inc.id);
  render();
}

// ---- incidents

function render() {
  const list = document.getElementById('incidents');
  const open = [...incidents.values()].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  document.getElementById('open-count').textContent = open.length;
  document.getElementById('no-incidents').hidden = open.length > 0;
  const keep = new Set(open.map((i) => i.id));
  for (const card of [...list.children]) if (!keep.has(card.dataset.incidentId)) card.remove();
  open.forEach((inc, index) => {
    let card = list.querySelector(`[data-incident-id="${CSS.escape(inc.id)}"]`);
    if (!card || card.dataset.version !== String(inc.version)) {
      const fresh = incidentCard(inc);
      if (card) card.replaceWith(fresh); else list.append(fresh);
      card = fresh;
      loadPaths(inc, card);
    }
    if (list.children[index] !== card) list.insertBefore(card, list.children[index]);
  });
}

function incidentCard(inc) {
  const affected = inc.affectedApplications.length ? inc.affectedApplications : inc.affected;
  const card = el('article', { class: 'incident', 'data-incident-id': inc.id, 'data-version': String(inc.version),
    'data-severity': inc.severity },
    el('div', { class: 'head' },
      el('span', { class: 'root-cause', 'data-entity': inc.rootCause }, entityLink(inc.rootCause)),
      el('span', { class: 'badge', text: inc.rootCauseKind.toLowerCase().replace('_', '-') }),
      el('span', { class: 'badge sev-' + inc.severity, text: inc.severity }),
      el('span', { class: 'score', text: 'score ' + Math.round(inc.score * 100) + '%' }),
      el('span', { class: 'badge', text: inc.state }),
      el('span', { class: 'id', text: inc.id + ' · since ' + new Date(inc.onset).toISOString().replace('.000Z', 'Z') })),
    el('p', { class: 'summary', text: inc.summary }),
    el('div', { class: 'affected' }, 'Affected (' + affected.length + '): ',
      ...affected.flatMap((id, i) => (i ? [', ', entityLink(id)] : [entityLink(id)]))),
    el('div', { class: 'graph-holder' }));
  return card;
}

function loadPaths(inc, card) {
  const cached = details.get(inc.id);
  const draw = (detail) => {
    const holder = card.querySelector('.graph-holder');
    holder.replaceChildren(pathGraph(detail.paths, inc.rootCause, inc.affectedApplications.length ? inc.affectedApplications : inc.affected));
  };
  if (cached && cached.version === inc.version) { draw(cached.detail); return; }
  api('api/v1/incidents/' + encodeURIComponent(inc.id))
    .then((detail) => { details.set(inc.id, { version: inc.version, detail }); draw(detail); })
    .catch((e) => card.querySelector('.graph-holder').replaceChildren(el('p', { class: 'error', text: 'path unavailable: ' + e.message })));
}

// Lays the union of the paths out left to right: root cause in the first column, each entity in the
// column of its furthest position on any path, affected applications at the ends.
function pathGraph(paths, root, targets) {
  const col = new Map();
  const order = [];
  const edges = new Set();
  for (const p of paths) {
    p.forEach((id, i) => {
      if (!col.has(id)) order.push(id);
      col.set(id, Math.max(col.get(id) ?? 0, i));
      if (i > 0) edges.add(p[i - 1] + '\u0000' + id);
    });
  }
  if (!col.has(root)) { col.set(root, 0); order.unshift(root); }
  const columns = [];
  for (const id of order) (columns[col.get(id)] ||= []).push(id);
  const W = 190, H = 38, GX = 60, GY = 14, PAD = 10;
  const pos = new Map();
  columns.forEach((ids, c) => ids.forEach((id, r) => pos.set(id, { x: PAD + c * (W + GX), y: PAD + r * (H + GY) })));
  const width = PAD * 2 + columns.length * W + (columns.length - 1) * GX;
  const height = PAD * 2 + Math.max(...columns.map((c) => c.length)) * (H + GY) - GY;
  const s = svg('svg', { class: 'path-graph', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': 'dependency path from ' + root + ' to the affected applications' });
  const defs = svg('defs');
  const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.append(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#98a2b3' }));
  defs.append(marker);
  s.append(defs);
  for (const e of edges) {
    const [a, b] = e.split('\u0000');
    const pa = pos.get(a), pb = pos.get(b);
    const x1 = pa.x + W, y1 = pa.y + H / 2, x2 = pb.x, y2 = pb.y + H / 2;
    s.append(svg('path', { class: 'edge', 'data-from': a, 'data-to': b, 'marker-end': 'url(#arrow)',
      d: `M ${x1} ${y1} C ${x1 + GX / 2} ${y1}, ${x2 - GX / 2} ${y2}, ${x2} ${y2}` }));
  }
  const targetSet = new Set(targets);
  for (const [id, p] of pos) {
    const g = svg('g', { class: 'node' + (id === root ? ' root' : targetSet.has(id) ? ' target' : ''), 'data-entity': id,
      transform: `translate(${p.x},${p.y})` });
    const title = svg('title');
    title.textContent = id;
    const colon = id.indexOf(':');
    const kind = svg('text', { class: 'kind', x: 8, y: 13 });
    kind.textContent = colon > 0 ? id.slice(0, colon) : '';
    const name = svg('text', { x: 8, y: 29 });
    const label = colon > 0 ? id.slice(colon + 1) : id;
    name.textContent = label.length > 26 ? label.slice(0, 25) + '…' : label;
    g.append(title, svg('rect', { width: W, height: H, rx: 5 }), kind, name);
    g.addEventListener('click', () => openEntity(id));
    s.append(g);
  }
  return s;
}

// ---- entity panel

function openEntity(id) {
  id = id.trim();
  if (!id) return;
  const panel = document.getElementById('entity-panel');
  const body = document.getElementById('entity-body');
  panel.hidden = false;
  panel.dataset.entity = id;
  document.getElementById('entity-title').textContent = id;
  body.replaceChildren(el('p', { class: 'empty', text: 'loading…' }));
  const enc = encodeURIComponent(id);
  Promise.all([api('api/v1/entities/' + enc), api('api/v1/entities/' + enc + '/root-cause'),
    api('api/v1/entities/' + enc + '/impact').catch((e) => (e.status === 404 ? null : Promise.reject(e)))])
    .then(([health, rc, impact]) => {
      if (panel.dataset.entity !== id) return;
      body.replaceChildren(...entityView(health, rc, impact));
    })
    .catch((e) => { if (panel.dataset.entity === id) body.replaceChildren(el('p', { class: 'error', text: e.message })); });
}

function entityView(h, rc, impact) {
  const out = [
    el('p', {}, el('span', { class: 'health', 'data-health': h.health, text: h.health }),
      ' · ' + h.kind.toLowerCase().replace('_', '-') + (h.monitored ? ' · monitored' : ' · no telemetry of its own')),
  ];
  if (h.openIncidents.length) out.push(el('p', {}, 'Open incidents: ' + h.openIncidents.join(', ')));
  out.push(el('h3', { text: 'Active symptoms (' + h.activeSymptoms.length + ')' }));
  if (h.activeSymptoms.length) {
    out.push(el('table', { class: 'symptoms' }, el('tr', {}, el('th', { text: 'signal' }), el('th', { text: 'severity' }), el('th', { text: 'since' }), el('th', { text: 'what' })),
      ...h.activeSymptoms.map((s) => el('tr', {}, el('td', { text: s.signal + (s.related ? ' via ' + s.related : '') }),
        el('td', { text: s.severity }), el('td', { text: s.onset.replace('.000Z', 'Z') }), el('td', { text: s.description || '' })))));
  }
  out.push(el('h3', { text: 'Root cause' }));
  if (rc.rootCause) {
    out.push(el('p', { class: 'root-cause-answer', 'data-status': rc.status },
      rc.status + ': ', entityLink(rc.rootCause), ' (score ' + Math.round(rc.score * 100) + '%)' + (rc.incident ? ' · ' + rc.incident : '')));
    out.push(el('p', { class: 'path', text: rc.path.join(' → ') }));
  } else {
    out.push(el('p', { class: 'root-cause-answer', 'data-status': rc.status, text: rc.status }));
  }
  out.push(el('h3', { text: 'Depends on' }), el('p', {}, ...links(h.dependencies)));
  if (impact) {
    out.push(el('h3', { text: 'Impact: ' + impact.transitive.length + ' dependents (' + impact.direct.length + ' direct), '
      + impact.affectedNow.length + ' affected now' }));
    out.push(el('table', { class: 'impact' }, el('tr', {}, el('th', { text: 'dependent' }), el('th', { text: 'depth' }), el('th', { text: 'now' })),
      ...impact.transitive.map((d) => el('tr', { 'data-entity': d.id }, el('td', {}, entityLink(d.id)), el('td', { text: String(d.depth) }),
        el('td', { class: d.affected ? 'error' : '', text: d.affected ? 'affected' : 'ok' })))));
  }
  return out;
}

function links(ids) {
  if (!ids.length) return ['none'];
  return ids.flatMap((id, i) => (i ? [', ', entityLink(id)] : [entityLink(id)]));
}

document.getElementById('search').addEventListener('submit', (ev) => {
  ev.preventDefault();
  openEntity(document.getElementById('entity-id').value);
});
document.getElementById('entity-close').addEventListener('click', () => { document.getElementById('entity-panel').hidden = true; });

connect();
