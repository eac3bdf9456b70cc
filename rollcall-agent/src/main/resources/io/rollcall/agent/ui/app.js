// The agent's web page. Plain script, no build step. Every string from a peer (names, tags, addresses)
// reaches the page only through textContent or an attribute value, never as markup.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const STATES = ['alive', 'suspect', 'failed', 'left'];
  const MAX_EVENTS = 200;
  const HEALTH_EVERY_MS = 3000;
  const RTT_EVERY_MS = 10000;
  const FIRST_RTT_AFTER_MS = 2500; // a new cluster's first probes have been answered by then
  const TOKEN_KEY = 'rollcall.token';

  let token = sessionStorage.getItem(TOKEN_KEY) || '';
  let lastEventId = null;
  let streamAbort = null;
  let timers = [];
  const rows = new Map();   // name -> {tr, member, cells}
  let order = [];           // names, sorted: where a new row goes
  const counts = {alive: 0, suspect: 0, failed: 0, left: 0};
  const pending = new Map(); // name -> member (or null to remove), applied at the next frame
  let frameQueued = false;
  let filterStatus = '';
  let filterText = '';
  let detailName = null;

  class Unauthorized extends Error {}

  function headers(extra) {
    const h = Object.assign({Accept: 'application/json'}, extra || {});
    if (token) h.Authorization = 'Bearer ' + token;
    return h;
  }

  async function api(path) {
    const r = await fetch(path, {headers: headers(), cache: 'no-store', credentials: 'omit'});
    if (r.status === 401) throw new Unauthorized();
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(body.error || ('HTTP ' + r.status));
    return body;
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function clock(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    return isNaN(d) ? String(iso) : d.toLocaleTimeString([], {hour12: false}) + '.' + String(d.getMilliseconds()).padStart(3, '0');
  }

  function ms(v) {
    if (v === null || v === undefined) return '';
    return v < 10 ? v.toFixed(2) + ' ms' : v < 100 ? v.toFixed(1) + ' ms' : Math.round(v) + ' ms';
  }

  function setConn(on, text) {
    const c = $('conn');
    c.textContent = text;
    c.className = 'conn ' + (on ? 'conn-on' : 'conn-off');
  }

  // ---- token ----------------------------------------------------------------------------------
  function askToken(message) {
    stop();
    $('app').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = message || '';
    setConn(false, 'token needed');
    $('token').focus();
  }

  $('login').addEventListener('submit', (e) => {
    e.preventDefault();
    token = $('token').value.trim();
    $('token').value = '';
    sessionStorage.setItem(TOKEN_KEY, token);
    start();
  });

  // ---- member table -----------------------------------------------------------------------------
  function matches(m) {
    if (filterStatus && m.status !== filterStatus) return false;
    if (!filterText) return true;
    if (m.name.toLowerCase().includes(filterText) || m.address.toLowerCase().includes(filterText)) return true;
    for (const [k, v] of Object.entries(m.tags || {})) {
      if ((k + '=' + v).toLowerCase().includes(filterText)) return true;
    }
    return false;
  }

  function tagText(tags) {
    return Object.entries(tags || {}).map(([k, v]) => k + '=' + v).join(', ');
  }

  function rttText(rtt) {
    if (!rtt) return ['', ''];
    const d = rtt.direct, i = rtt.indirect;
    const shown = d ? ms(d.smoothed_ms) : i ? ms(i.smoothed_ms) + ' (indirect)' : '';
    const parts = [];
    if (d) parts.push('direct: last ' + ms(d.last_ms) + ', smoothed ' + ms(d.smoothed_ms) + ', ' + d.samples + ' acks');
    if (i) parts.push('indirect: last ' + ms(i.last_ms) + ', smoothed ' + ms(i.smoothed_ms) + ', ' + i.samples + ' acks');
    return [shown, parts.join('; ')];
  }

  function newRow(name) {
    const tr = document.createElement('tr');
    tr.dataset.name = name;
    const cells = {};
    const nameTd = el('td');
    const btn = el('button', 'name', name);
    btn.type = 'button';
    btn.setAttribute('aria-haspopup', 'dialog');
    btn.addEventListener('click', () => openDetail(name));
    nameTd.appendChild(btn);
    tr.appendChild(nameTd);
    for (const k of ['status', 'address', 'rtt', 'incarnation', 'since', 'tags']) {
      cells[k] = el('td', k);
      tr.appendChild(cells[k]);
    }
    cells.badge = el('span', 'st');
    cells.status.appendChild(cells.badge);
    return {tr, cells, member: null};
  }

  function fill(row, m) {
    const old = row.member;
    const c = row.cells;
    if (!old || old.status !== m.status) {
      c.badge.className = 'st st-' + m.status;
      c.badge.textContent = m.status;
    }
    if (!old || old.address !== m.address) c.address.textContent = m.address;
    if (!old || old.incarnation !== m.incarnation) c.incarnation.textContent = m.incarnation;
    if (!old || old.since !== m.since) {
      c.since.textContent = clock(m.since);
      c.since.title = m.since;
    }
    const tags = tagText(m.tags);
    if (c.tags.textContent !== tags) c.tags.textContent = tags;
    setRtt(row, m.rtt === undefined && old ? old.rtt : m.rtt);
    if (m.rtt === undefined && old) m.rtt = old.rtt;
    row.member = m;
    row.tr.hidden = !matches(m);
  }

  function setRtt(row, rtt) {
    const [text, title] = rttText(rtt);
    if (row.cells.rtt.textContent !== text) row.cells.rtt.textContent = text;
    if (row.cells.rtt.title !== title) row.cells.rtt.title = title;
  }

  function insertSorted(name, tr) {
    let lo = 0, hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (order[mid] < name) lo = mid + 1; else hi = mid;
    }
    const before = lo < order.length ? rows.get(order[lo]).tr : null;
    order.splice(lo, 0, name);
    $('member-rows').insertBefore(tr, before);
  }

  function removeRow(name) {
    const row = rows.get(name);
    if (!row) return;
    counts[row.member.status]--;
    row.tr.remove();
    rows.delete(name);
    const i = order.indexOf(name);
    if (i >= 0) order.splice(i, 1);
  }

  function upsert(m) {
    let row = rows.get(m.name);
    if (row) {
      counts[row.member.status]--;
    } else {
      row = newRow(m.name);
      rows.set(m.name, row);
      insertSorted(m.name, row.tr);
    }
    fill(row, m);
    counts[m.status] = (counts[m.status] || 0) + 1;
  }

  // Changes are applied once per frame, each to its own row: a burst of events costs one layout.
  function queue(name, member) {
    pending.set(name, member);
    if (!frameQueued) {
      frameQueued = true;
      requestAnimationFrame(flush);
    }
  }

  function flush() {
    frameQueued = false;
    for (const [name, m] of pending) {
      if (m === null) removeRow(name); else upsert(m);
    }
    pending.clear();
    showCounts();
    if (detailName && rows.has(detailName)) showDetailMember(rows.get(detailName).member);
  }

  function showCounts() {
    $('counts').textContent = '(' + rows.size + ': ' + STATES.map((s) => counts[s] + ' ' + s).join(', ') + ')';
  }

  function snapshot(view) {
    pending.clear();
    const fresh = new Set(view.members.map((m) => m.name));
    for (const name of Array.from(rows.keys())) if (!fresh.has(name)) removeRow(name);
    if (rows.size === 0) {
      // A first snapshot: build every row off-document, in order, and attach once.
      const frag = document.createDocumentFragment();
      const sorted = view.members.slice().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      order = [];
      for (const m of sorted) {
        const row = newRow(m.name);
        rows.set(m.name, row);
        order.push(m.name);
        fill(row, m);
        counts[m.status] = (counts[m.status] || 0) + 1;
        frag.appendChild(row.tr);
      }
      $('member-rows').appendChild(frag);
    } else {
      for (const m of view.members) upsert(m);
    }
    showCounts();
  }

  function refilter() {
    for (const row of rows.values()) row.tr.hidden = !matches(row.member);
  }

  $('status-filter').addEventListener('change', (e) => {
    filterStatus = e.target.value;
    refilter();
  });
  let searchFrame = 0;
  function onSearch(e) {
    filterText = e.target.value.trim().toLowerCase();
    cancelAnimationFrame(searchFrame);
    searchFrame = requestAnimationFrame(refilter);
  }
  $('search').addEventListener('input', onSearch);
  $('search').addEventListener('change', onSearch);

  // ---- timeline ---------------------------------------------------------------------------------
  function addEvent(type, time, name, text) {
    const li = el('li');
    const t = el('time', null, clock(time));
    t.dateTime = time || '';
    li.appendChild(t);
    li.appendChild(el('span', 'ev-type ev-' + type, type));
    li.appendChild(el('span', 'ev-member', name));
    if (text) li.appendChild(el('span', 'muted', ' ' + text));
    const list = $('events');
    list.insertBefore(li, list.firstChild);
    while (list.childElementCount > MAX_EVENTS) list.lastElementChild.remove();
  }

  // ---- event stream (fetch, so the token travels in a header) -------------------------------------
  function dispatch(block) {
    let event = 'message', data = '', id = null;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') event = value;
      else if (field === 'data') data += (data ? '\n' : '') + value;
      else if (field === 'id') id = value;
    }
    if (!data) return;
    const body = JSON.parse(data);
    if (event === 'snapshot') {
      snapshot(body);
    } else if (event === 'decision') {
      addEvent('decision', body.record.at, body.member, body.record.type + ': ' + body.record.summary);
      if (detailName === body.member) addRecord(body.record);
    } else if (body.member) {
      queue(body.member.name, event === 'removed' ? null : body.member);
      addEvent(event, body.time, body.member.name, body.member.address);
    }
    if (id !== null && id !== '') lastEventId = id;
  }

  async function stream() {
    let backoff = 500;
    while (streamAbort && !streamAbort.signal.aborted) {
      const signal = streamAbort.signal;
      try {
        const h = headers({Accept: 'text/event-stream'});
        if (lastEventId !== null) h['Last-Event-ID'] = lastEventId;
        const r = await fetch('/v1/events', {headers: h, cache: 'no-store', credentials: 'omit', signal});
        if (r.status === 401) { askToken('The token was refused.'); return; }
        if (!r.ok || !r.body) throw new Error('HTTP ' + r.status);
        setConn(true, 'live');
        backoff = 500;
        const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const {value, done} = await reader.read();
          if (done) break;
          let from = Math.max(0, buf.length - 1);
          buf += value;
          let end;
          while ((end = buf.indexOf('\n\n', from)) >= 0) {
            dispatch(buf.slice(0, end));
            buf = buf.slice(end + 2);
            from = 0;
          }
        }
      } catch (e) {
        if (signal.aborted) return;
      }
      setConn(false, 'reconnecting');
      await new Promise((res) => setTimeout(res, backoff));
      backoff = Math.min(backoff * 2, 10000);
    }
  }

  // ---- health and RTTs (not in the event stream: polled) -------------------------------------------
  const HEALTH_FIELDS = [
    ['score', 'health score'], ['members', 'members'], ['reachable', 'reachable'], ['probes_sent', 'probes sent'],
    ['probes_failed', 'probes failed'], ['probes_unreachable', 'unreachable'], ['suspicions_raised', 'suspicions'],
    ['failures_declared', 'failures declared'], ['refutations', 'refutations'], ['messages_in', 'messages in'],
    ['messages_out', 'messages out'], ['bytes_in', 'bytes in'], ['bytes_out', 'bytes out']];
  const healthCells = new Map();

  function showHealth(h) {
    const list = $('health-list');
    for (const [key, label] of HEALTH_FIELDS) {
      let dd = healthCells.get(key);
      if (!dd) {
        const div = el('div');
        div.appendChild(el('dt', null, label));
        dd = el('dd');
        dd.id = 'health-' + key;
        div.appendChild(dd);
        list.appendChild(div);
        healthCells.set(key, dd);
      }
      const v = h[key];
      const text = typeof v === 'object' && v !== null ? Object.values(v).reduce((a, b) => a + b, 0) : v;
      if (dd.textContent !== String(text)) dd.textContent = text;
    }
    let dropped = healthCells.get('dropped');
    if (!dropped) {
      const div = el('div');
      div.appendChild(el('dt', null, 'dropped'));
      dropped = el('dd');
      div.appendChild(dropped);
      list.appendChild(div);
      healthCells.set('dropped', dropped);
    }
    const drops = Object.entries(h.dropped || {});
    dropped.textContent = String(drops.reduce((a, [, n]) => a + n, 0));
    dropped.title = drops.map(([k, n]) => k + ': ' + n).join('\n');
  }

  async function pollHealth() {
    try {
      showHealth(await api('/v1/health'));
    } catch (e) {
      if (e instanceof Unauthorized) askToken('The token was refused.');
    }
  }

  async function pollRtt() {
    try {
      const view = await api('/v1/members');
      for (const m of view.members) {
        const row = rows.get(m.name);
        if (row && row.member) {
          row.member.rtt = m.rtt;
          setRtt(row, m.rtt);
        }
      }
    } catch (e) {
      if (e instanceof Unauthorized) askToken('The token was refused.');
    }
  }

  // ---- a member's details ----------------------------------------------------------------
  function showDetailMember(m) {
    const dl = $('detail-member');
    dl.textContent = '';
    const [rtt, rttTitle] = rttText(m.rtt);
    const fields = [['status', m.status], ['address', m.address], ['incarnation', m.incarnation],
      ['since', m.since], ['RTT', rttTitle || rtt || 'no acknowledged probe yet'], ['tags', tagText(m.tags) || 'none']];
    for (const [k, v] of fields) {
      const div = el('div');
      div.appendChild(el('dt', null, k));
      div.appendChild(el('dd', null, v));
      dl.appendChild(div);
    }
  }

  function addRecord(r) {
    const li = el('li', 'record');
    const t = el('time', null, clock(r.at));
    t.dateTime = r.at || '';
    li.appendChild(t);
    li.appendChild(el('span', 'rec-type rec-' + r.type, r.type));
    li.appendChild(el('span', null, r.summary));
    $('detail-records').appendChild(li);
  }

  async function showHistory(name) {
    $('detail-account').textContent = 'Loading the decision records\u2026';
    $('detail-records').textContent = '';
    try {
      const h = await api('/v1/members/' + encodeURIComponent(name) + '/history');
      if (detailName !== name) return;
      $('detail-account').textContent = h.account.split('\n')[0];
      $('detail-records').textContent = '';
      for (const r of h.records) addRecord(r);
    } catch (e) {
      if (detailName !== name) return;
      if (e instanceof Unauthorized) { askToken('The token was refused.'); return; }
      $('detail-account').textContent = 'Decision records unavailable: ' + e.message;
    }
  }

  function openDetail(name) {
    const row = rows.get(name);
    if (!row) return;
    detailName = name;
    $('detail-title').textContent = name;
    showDetailMember(row.member);
    $('detail').showModal();
    showHistory(name);
  }

  $('detail-close').addEventListener('click', () => $('detail').close());
  $('detail').addEventListener('close', () => {
    const name = detailName;
    detailName = null;
    const row = name && rows.get(name);
    if (row) row.tr.querySelector('button').focus();
  });

  // ---- start ----------------------------------------------------------------------------------------
  function stop() {
    if (streamAbort) streamAbort.abort();
    streamAbort = null;
    timers.forEach((t) => { clearInterval(t); clearTimeout(t); });
    timers = [];
  }

  async function start() {
    stop();
    let self;
    try {
      self = await api('/v1/self');
    } catch (e) {
      if (e instanceof Unauthorized) {
        askToken(token ? 'The token was refused.' : '');
      } else {
        setConn(false, 'agent unreachable: ' + e.message);
        setTimeout(start, 2000);
      }
      return;
    }
    $('login').hidden = true;
    $('app').hidden = false;
    $('self-name').textContent = self.name + ' \u00b7 ' + self.address + ' \u00b7 ' + self.version;
    document.title = 'Rollcall: ' + self.name;
    if (self.health) showHealth(self.health);
    streamAbort = new AbortController();
    stream();
    timers.push(setInterval(pollHealth, HEALTH_EVERY_MS));
    timers.push(setTimeout(pollRtt, FIRST_RTT_AFTER_MS));
    timers.push(setInterval(pollRtt, RTT_EVERY_MS));
  }

  start();
})();
