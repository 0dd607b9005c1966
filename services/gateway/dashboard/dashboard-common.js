// The dashboard's helpers: elements, names and keys as people read them, the JSON API and its
// actions. A classic script loaded before dashboard.js, which uses what it declares.

const $ = (selector) => document.querySelector(selector);

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'onclick') node.addEventListener('click', value);
    else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : String(child ?? ''));
  return node;
}

/** A name or key as people read it: text as is, bytes as Python's b'…'. */
function showName(name) {
  if (typeof name === 'string') return name;
  const bytes = Uint8Array.from(atob(name.$bytes), (c) => c.charCodeAt(0));
  let text = "b'";
  for (const b of bytes)
    text +=
      b >= 0x20 && b < 0x7f && b !== 0x27 && b !== 0x5c
        ? String.fromCharCode(b)
        : `\\x${b.toString(16).padStart(2, '0')}`;
  return `${text}'`;
}

/** A spec name in a path: the server resolves text to a byte-named spec of those UTF-8 bytes. */
function specPath(name) {
  const text =
    typeof name === 'string'
      ? name
      : new TextDecoder().decode(Uint8Array.from(atob(name.$bytes), (c) => c.charCodeAt(0)));
  return encodeURIComponent(text);
}

/** A key in a path and the keyFormat that reads it back. */
function keyPath(key) {
  if (typeof key === 'string') return { path: encodeURIComponent(key), format: 'text' };
  const hex = Array.from(atob(key.$bytes), (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
  return { path: hex, format: 'hex' };
}

/** The namespace the page shows: the one the live feed's snapshots are of. */
const shown = { namespace: 'default' };
const nsPath = () => `/api/v1/namespaces/${encodeURIComponent(shown.namespace)}`;

function say(text) {
  const box = $('#message');
  box.textContent = text;
  box.classList.add('shown');
  clearTimeout(say.timer);
  say.timer = setTimeout(() => box.classList.remove('shown'), 4000);
}

/**
 * The bearer token the page sends when the gateway asks for one (--edge-tokens): typed in once,
 * kept for this tab only. The live feed, an EventSource, cannot send a header and carries it in
 * its query instead.
 */
const access = {
  key: 'passerine-token',
  get token() {
    return sessionStorage.getItem(this.key);
  },
  headers() {
    return this.token ? { authorization: `Bearer ${this.token}` } : {};
  },
  feedUrl() {
    return this.token ? `/api/v1/live?access_token=${encodeURIComponent(this.token)}` : '/api/v1/live';
  },
  /** Shows the token form; `then` runs once a token is given. */
  ask(then) {
    const form = $('#token-form');
    form.hidden = false;
    form.onsubmit = (event) => {
      event.preventDefault();
      sessionStorage.setItem(this.key, $('#token').value.trim());
      form.hidden = true;
      then?.();
    };
  },
};

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: { ...access.headers(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await res.json().catch(() => ({}));
  if (res.status === 401) access.ask();
  if (!res.ok) throw new Error(answer.error?.message ?? `HTTP ${res.status}`);
  return answer;
}

async function act(label, method, path, body) {
  try {
    await api(method, path, body);
    say(`${label}: done`);
  } catch (err) {
    say(`${label}: ${err.message}`);
  }
}
