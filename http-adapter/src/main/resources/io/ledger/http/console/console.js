// The ledger console: polls /console/api/stats every second with the operator token kept in this tab's
// sessionStorage (never in a URL), and draws what it gets. Every value goes into the page through textContent,
// never as HTML.
'use strict';

(function () {
  const TOKEN_KEY = 'ledger.operatorToken';
  const POLL_MS = 1000;
  const HISTORY_POINTS = 60;   // the chart: one point per poll
  const RATE_POINTS = 10;      // throughput: average over the last 10 polls
  const PAGE_SIZE = 10;

  const $ = (id) => document.getElementById(id);
  const samples = [];          // {atMs, replied, responses, p99Ms}
  let timer = null;
  let lookup = null;           // {merchant, customer, currency, offset}

  function token() { return sessionStorage.getItem(TOKEN_KEY); }

  function showError(message) {
    $('error').textContent = message;
    $('error').hidden = !message;
  }

  function setText(id, value) { $(id).textContent = value; }

  function fmt(n, digits) {
    if (n === null || n === undefined || Number.isNaN(n)) { return '-'; }
    return Number(n).toLocaleString('en-US', { maximumFractionDigits: digits === undefined ? 0 : digits });
  }

  function minor(n) { return n === null || n === undefined ? '-' : BigInt(n).toLocaleString('en-US'); }

  async function get(path) {
    const response = await fetch(path, { headers: { 'Authorization': 'Bearer ' + token() }, cache: 'no-store' });
    const body = await response.json().catch(() => ({}));
    if (response.status === 401 || response.status === 403) {
      signOut();
      throw new Error((body.message && body.message[0]) || ('refused: ' + response.status));
    }
    return { status: response.status, body: body };
  }

  function signedIn(yes) {
    $('signin').hidden = yes;
    $('signedin').hidden = !yes;
    $('dashboard').hidden = !yes;
  }

  function signOut() {
    sessionStorage.removeItem(TOKEN_KEY);
    if (timer) { clearInterval(timer); timer = null; }
    samples.length = 0;
    signedIn(false);
    setPill('health', 'unknown', 'signed out');
  }

  function start() {
    signedIn(true);
    showError('');
    poll();
    timer = setInterval(poll, POLL_MS);
  }

  function setPill(id, state, text) {
    const pill = $(id);
    pill.className = 'pill pill-' + state;
    pill.textContent = text;
  }

  async function poll() {
    let stats;
    try {
      const reply = await get('/console/api/stats');
      if (reply.status !== 200) { throw new Error('stats: HTTP ' + reply.status); }
      stats = reply.body;
    } catch (error) {
      showError(String(error.message || error));
      setPill('health', 'bad', 'unreachable');
      return;
    }
    showError('');
    render(stats);
  }

  function rate(field) {
    if (samples.length < 2) { return 0; }
    const first = samples[Math.max(0, samples.length - 1 - RATE_POINTS)];
    const last = samples[samples.length - 1];
    const seconds = (last.atMs - first.atMs) / 1000;
    return seconds > 0 ? (last[field] - first[field]) / seconds : 0;
  }

  function render(stats) {
    samples.push({ atMs: stats.atMs, replied: stats.commands.replied, responses: stats.responses.total,
      p99Ms: stats.requestLatency.p99Ms });
    while (samples.length > HISTORY_POINTS + 1) { samples.shift(); }

    const throughput = rate('replied');
    $('throughput').dataset.value = String(throughput);
    setText('throughput', fmt(throughput, throughput < 10 ? 1 : 0));
    setText('responses-rate', fmt(rate('responses'), 1));
    setText('latency-p50', fmt(stats.requestLatency.p50Ms, 2));
    setText('latency-p99', fmt(stats.requestLatency.p99Ms, 2));
    setText('latency-p999', fmt(stats.requestLatency.p999Ms, 2));
    setText('latency-max', fmt(stats.requestLatency.maxMs, 2));

    const thread = stats.ledgerThread;
    setText('pause', fmt(thread.longestPauseMs, 1));
    setText('pause-start', fmt(thread.longestPauseMsSinceStart, 1));
    setText('long-pauses', fmt(thread.longPauses));
    setText('pause-warn', fmt(thread.pauseWarnMs));
    setText('ring-used', fmt(stats.ring.usedSlots));
    setText('ring-size', fmt(stats.ring.sizeSlots));
    setText('connections', fmt(stats.connectionsOpen));
    setText('journal-command', fmt(stats.journal.lastCommandId));
    setText('journal-index', stats.journal.index || '-');
    setText('durability', stats.journal.durability || '-');
    renderSnapshot(stats.snapshot, stats.snapshotFollower);
    renderMoney(stats.money);
    renderRefusals(stats.refusals);

    const conserved = !stats.money || !stats.money.available || stats.money.conserved;
    if (stats.pipelineFailed) {
      setPill('health', 'bad', 'pipeline failed');
    } else if (!conserved) {
      setPill('health', 'bad', 'money not conserved');
    } else {
      setPill('health', 'ok', 'healthy');
    }
    setText('updated', 'updated ' + new Date(stats.atMs).toLocaleTimeString());
    drawChart();
  }

  function renderSnapshot(snapshot, follower) {
    const stopped = follower && !follower.up;
    if (!snapshot) {
      setText('snapshot-age', 'none');
      setText('snapshot-detail', stopped ? 'snapshot follower stopped (see the log): no snapshots until a restart'
        : 'no snapshot yet');
      return;
    }
    setText('snapshot-age', fmt(snapshot.ageSeconds, 0) + ' s ago');
    const parts = ['command id ' + fmt(snapshot.lastCommandId)];
    if (snapshot.totalMs !== null) { parts.push('written by the follower in ' + fmt(snapshot.totalMs, 1) + ' ms'); }
    if (snapshot.totalMs === null) { parts.push('loaded at start'); }
    if (stopped) { parts.push('snapshot follower stopped (see the log): no snapshots until a restart'); }
    else if (follower && follower.behindRecords !== null && follower.behindRecords > 0) {
      parts.push('follower ' + fmt(follower.behindRecords) + ' records behind');
    }
    setText('snapshot-detail', parts.join(', '));
  }

  function cell(row, text, numeric) {
    const td = document.createElement('td');
    td.textContent = text;
    if (numeric) { td.className = 'num'; }
    row.appendChild(td);
    return td;
  }

  function renderMoney(money) {
    const body = $('money').tBodies[0];
    body.replaceChildren();
    if (!money || !money.available) {
      setPill('conservation', 'unknown', 'not published yet');
      return;
    }
    setPill('conservation', money.conserved ? 'ok' : 'bad', money.conserved ? 'conserved' : 'NOT conserved');
    for (const c of money.currencies) {
      const row = document.createElement('tr');
      row.dataset.currency = c.currency;
      cell(row, c.currency);
      cell(row, minor(c.customersMinor), true).dataset.value = String(c.customersMinor);
      cell(row, minor(c.merchantsMinor), true).dataset.value = String(c.merchantsMinor);
      cell(row, c.heldMinor === null ? '-' : minor(c.heldMinor), true);
      cell(row, c.giftsMinor === undefined ? '-' : minor(c.giftsMinor), true);
      cell(row, minor(c.paidInMinor), true).dataset.value = String(c.paidInMinor);
      cell(row, minor(c.paidOutMinor), true);
      cell(row, c.conserved ? 'yes' : 'NO');
      body.appendChild(row);
    }
  }

  function renderRefusals(refusals) {
    const chips = $('refusal-reasons');
    chips.replaceChildren();
    for (const [reason, count] of Object.entries(refusals.byReason)) {
      const chip = document.createElement('span');
      chip.className = 'chip';
      chip.textContent = reason + ' ' + count;
      chips.appendChild(chip);
    }
    const body = $('refusals').tBodies[0];
    body.replaceChildren();
    for (const r of refusals.recent.slice(0, 15)) {
      const row = document.createElement('tr');
      cell(row, new Date(r.atMs).toLocaleTimeString());
      cell(row, r.route);
      cell(row, String(r.status));
      cell(row, r.reason);
      cell(row, r.merchant || '-');
      body.appendChild(row);
    }
  }

  function drawChart() {
    const canvas = $('chart');
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || canvas.width;
    const height = canvas.clientHeight || canvas.height;
    canvas.width = width * ratio;
    canvas.height = height * ratio;
    const g = canvas.getContext('2d');
    g.scale(ratio, ratio);
    g.clearRect(0, 0, width, height);
    const pad = { left: 48, right: 48, top: 10, bottom: 20 };
    const w = width - pad.left - pad.right;
    const h = height - pad.top - pad.bottom;

    const rates = [];
    const p99s = [];
    for (let i = 1; i < samples.length; i++) {
      const seconds = (samples[i].atMs - samples[i - 1].atMs) / 1000;
      rates.push(seconds > 0 ? (samples[i].replied - samples[i - 1].replied) / seconds : 0);
      p99s.push(samples[i].p99Ms === null ? 0 : samples[i].p99Ms);
    }
    const maxRate = Math.max(1, ...rates);
    const maxP99 = Math.max(1, ...p99s);

    g.strokeStyle = '#e3e6ea';
    g.fillStyle = '#667085';
    g.font = '11px system-ui, sans-serif';
    for (let i = 0; i <= 4; i++) {
      const y = pad.top + h - (h * i) / 4;
      g.beginPath(); g.moveTo(pad.left, y); g.lineTo(pad.left + w, y); g.stroke();
      g.textAlign = 'right';
      g.fillText(fmt((maxRate * i) / 4, maxRate < 10 ? 1 : 0), pad.left - 6, y + 4);
      g.textAlign = 'left';
      g.fillText(fmt((maxP99 * i) / 4, 1), pad.left + w + 6, y + 4);
    }
    g.textAlign = 'center';
    g.fillText('-60 s', pad.left, height - 4);
    g.fillText('now', pad.left + w, height - 4);

    const line = (values, max, color) => {
      if (values.length === 0) { return; }
      g.strokeStyle = color;
      g.lineWidth = 2;
      g.beginPath();
      values.forEach((v, i) => {
        const x = pad.left + w - ((values.length - 1 - i) * w) / (HISTORY_POINTS - 1);
        const y = pad.top + h - (v / max) * h;
        if (i === 0) { g.moveTo(x, y); } else { g.lineTo(x, y); }
      });
      g.stroke();
    };
    line(rates, maxRate, '#2456c7');
    line(p99s, maxP99, '#c2620a');
  }

  async function showCustomer() {
    const base = '/console/api/merchants/' + encodeURIComponent(lookup.merchant) + '/customers/'
      + encodeURIComponent(lookup.customer);
    try {
      const customer = await get(base);
      if (customer.status !== 200) {
        $('customer').hidden = true;
        showError((customer.body.message && customer.body.message[0]) || ('lookup: HTTP ' + customer.status));
        return;
      }
      const currency = lookup.currency ? '?currency=' + encodeURIComponent(lookup.currency) : '';
      const balance = await get(base + '/balance' + currency);
      const history = await get(base + '/transactions?limit=' + PAGE_SIZE + '&offset=' + lookup.offset);
      showError('');
      const c = customer.body;
      setText('customer-name', c.name || '(no name)');
      setText('customer-id', c.id + ' of ' + c.merchantId);
      setText('customer-contact', [c.email, c.phoneNumber].filter(Boolean).join(', '));
      setText('customer-balance', balance.status === 200
        ? minor(balance.body.amount) + ' ' + balance.body.currency + ' (minor units)'
        : ((balance.body.message && balance.body.message[0]) || 'HTTP ' + balance.status));
      const body = $('history').tBodies[0];
      body.replaceChildren();
      const page = history.status === 200 ? history.body : { data: [], pagination: { total: 0, hasMore: false } };
      for (const t of page.data) {
        const row = document.createElement('tr');
        cell(row, new Date(t.createdAt).toLocaleString());
        cell(row, t.type);
        cell(row, minor(t.amount) + ' ' + t.currency, true);
        cell(row, minor(t.balanceAfter), true);
        cell(row, t.description || '');
        body.appendChild(row);
      }
      const total = page.pagination.total;
      setText('history-page', total === 0 ? 'no entries'
        : (lookup.offset + 1) + '-' + (lookup.offset + page.data.length) + ' of ' + total + ', newest first');
      $('history-newer').disabled = lookup.offset === 0;
      $('history-older').disabled = !page.pagination.hasMore;
      $('customer').hidden = false;
    } catch (error) {
      showError(String(error.message || error));
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('signin').addEventListener('submit', (event) => {
      event.preventDefault();
      const value = $('token').value.trim();
      $('token').value = '';
      if (value) {
        sessionStorage.setItem(TOKEN_KEY, value);
        start();
      }
    });
    $('signout').addEventListener('click', signOut);
    $('lookup').addEventListener('submit', (event) => {
      event.preventDefault();
      lookup = { merchant: $('lookup-merchant').value.trim(), customer: $('lookup-customer').value.trim(),
        currency: $('lookup-currency').value.trim().toUpperCase(), offset: 0 };
      showCustomer();
    });
    $('history-newer').addEventListener('click', () => {
      lookup.offset = Math.max(0, lookup.offset - PAGE_SIZE);
      showCustomer();
    });
    $('history-older').addEventListener('click', () => {
      lookup.offset += PAGE_SIZE;
      showCustomer();
    });
    if (token()) { start(); } else { signedIn(false); setPill('health', 'unknown', 'signed out'); }
  });
}());
