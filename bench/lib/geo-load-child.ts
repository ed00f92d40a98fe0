/** Child process of the geocoder load-time bench: prints {"import_ms","load_ms","places"} as JSON. */
const t0 = performance.now();
const { loadGeocoder } = await import('../../src/geo/index.js');
const t1 = performance.now();
const geo = loadGeocoder();
const t2 = performance.now();
console.log(JSON.stringify({ import_ms: t1 - t0, load_ms: t2 - t1, places: geo.size }));
