/**
 * The UI shell: maps the path to a page, keeps in-app links in this document (history API), calls
 * the page back when back/forward changes its URL state, and owns the global keys: `/` or
 * Ctrl/Cmd+K focus the page's main input (the element marked data-main-input). The single-key `/`
 * can be turned off (WCAG 2.1.4: it fires on some layouts while typing elsewhere); the choice is
 * kept in localStorage.
 *
 * A page module exports mount(root) → {update(), unmount()}: mount builds the page from the URL
 * state, update re-reads it after back/forward, unmount stops timers and cancels requests.
 */
import * as lanes from './pages/lanes.js';
import * as explorer from './pages/explorer.js';
import * as sql from './pages/sql.js';

const PAGES = { '/': ['lanes', lanes], '/lanes': ['lanes', lanes], '/explorer': ['explorer', explorer], '/sql': ['sql', sql] };

const main = document.getElementById('main');
const hint = document.getElementById('hint');
const slashToggle = document.getElementById('slash-toggle');
const SLASH_KEY = 'loglane.slashShortcut';
let slashOn = localStorage.getItem(SLASH_KEY) !== 'off';
let current = null; // {name, page}

function showSlashState() {
  slashToggle.textContent = slashOn ? 'turn / off' : 'turn / on';
}

function route() {
  const [name, module] = PAGES[location.pathname] || PAGES['/'];
  if (current && current.name === name) {
    current.page.update();
    return;
  }
  if (current) current.page.unmount();
  main.replaceChildren();
  current = { name, page: module.mount(main) };
  for (const link of document.querySelectorAll('nav a[data-page]')) {
    if (link.dataset.page === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${name[0].toUpperCase()}${name.slice(1)} · loglane`;
  hint.hidden = !main.querySelector('[data-main-input]');
}

/** Opens an in-app URL without reloading the document. */
function go(url) {
  history.pushState(null, '', url);
  route();
}

document.addEventListener('click', (e) => {
  const link = e.target.closest('a[href]');
  if (!link || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || !(url.pathname in PAGES)) return;
  e.preventDefault();
  go(url.pathname + url.search);
});

document.addEventListener('keydown', (e) => {
  const typing = e.target.closest('input, textarea, select, [contenteditable]');
  const slash = slashOn && e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey;
  const ctrlK = e.key === 'k' && (e.ctrlKey || e.metaKey);
  if (!slash && !ctrlK) return;
  const input = main.querySelector('[data-main-input]');
  if (input) {
    e.preventDefault();
    input.focus();
  }
});

slashToggle.addEventListener('click', () => {
  slashOn = !slashOn;
  localStorage.setItem(SLASH_KEY, slashOn ? 'on' : 'off');
  showSlashState();
});

addEventListener('popstate', route);
showSlashState();
route();
