// The unit screen's service worker: the screen, its scripts and the offline map stay on the device, so the screen
// opens and the map draws in a dead zone. The API is never cached (the outbox keeps what the crew did).

const CACHE = "openpsap-unit-v1";
const BASEMAP = "/console/basemap.pmtiles";
const SHELL = [
  "/unit", "/unit/icon.svg", "/unit/manifest.webmanifest",
  "/console/static/unit/app.js", "/console/static/unit/outbox.js", "/console/static/unit/navigation.js",
  "/console/static/unit/clear.js", "/console/static/unit/unit.css", "/console/static/dom.js", "/console/static/stream.js",
  "/console/static/vendor/leaflet.js", "/console/static/vendor/leaflet.css", "/console/static/vendor/protomaps-leaflet.js",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => Promise.all(SHELL.map((url) => cache.add(url).catch(() => null)))));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

async function basemapRange(request) {
  const cache = await caches.open(CACHE);
  let whole = await cache.match(BASEMAP);
  if (!whole) {
    try {
      const fetched = await fetch(BASEMAP);
      if (fetched.ok && fetched.status === 200) { await cache.put(BASEMAP, fetched.clone()); whole = fetched; }
    } catch { /* offline and never cached: the network answer below fails too */ }
  }
  if (!whole) return fetch(request);
  const bytes = await whole.clone().arrayBuffer();
  const range = /bytes=(\d+)-(\d*)/.exec(request.headers.get("Range") || "");
  if (!range) return new Response(bytes, { status: 200, headers: { "Content-Type": "application/octet-stream" } });
  const start = Number(range[1]);
  const end = range[2] ? Math.min(Number(range[2]), bytes.byteLength - 1) : bytes.byteLength - 1;
  return new Response(bytes.slice(start, end + 1), { status: 206, headers: {
    "Content-Type": "application/octet-stream", "Content-Range": `bytes ${start}-${end}/${bytes.byteLength}`,
    "Content-Length": String(end - start + 1) } });
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (url.pathname === BASEMAP) { event.respondWith(basemapRange(event.request)); return; }
  if (url.pathname === "/unit") { // the page holds the session's CSRF token: the network first, the device's copy offline
    event.respondWith(fetch(event.request).then((r) => {
      if (r.ok) caches.open(CACHE).then((c) => c.put("/unit", r.clone()));
      return r;
    }).catch(() => caches.match("/unit")));
    return;
  }
  if (SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((hit) => {
      const fresh = fetch(event.request).then((r) => { if (r.ok) caches.open(CACHE).then((c) => c.put(url.pathname, r.clone())); return r; });
      return hit || fresh;
    }));
  }
});
