// fal's own JavaScript client (npm @fal-ai/client) against our fake queue
// server, with its URLs moved onto the fake: if the fake drifts from the
// protocol fal's client speaks, this fails. Run by tests/conformance.rs:
//   FAL_CLIENT=<path to @fal-ai/client> FAKE_URL=... FAKE_422_URL=... node fal-client.mjs
import { pathToFileURL } from "node:url";
import { join } from "node:path";

const { createFalClient, ValidationError, ApiError } = await import(pathToFileURL(join(process.env.FAL_CLIENT, "src/index.js")).href);
const MODEL = "fal-ai/qwen-image-edit-plus";
const input = { prompt: "make the sky purple", image_urls: [`${process.env.FAKE_URL}/files/in.png`] };

function clientFor(base) {
  // Every request fal's client makes goes to the fake instead of fal.
  const moved = (url) => String(url).replace(/^https:\/\/queue\.fal\.run/, base).replace(/^https:\/\/fal\.run/, base);
  return createFalClient({ credentials: "test-key", fetch: (url, init) => fetch(moved(url), init) });
}

let passed = 0, failed = 0;
async function check(name, f) {
  try {
    await f();
    passed++;
    console.log(`test ${name} ... ok`);
  } catch (e) {
    failed++;
    console.log(`test ${name} ... FAILED\n    ${e && e.stack ? e.stack : e}`);
  }
}
function ensure(cond, what) {
  if (!cond) throw new Error(what);
}

const fal = clientFor(process.env.FAKE_URL);

await check("polling: submit, status with logs, result", async () => {
  const { request_id } = await fal.queue.submit(MODEL, { input });
  ensure(typeof request_id === "string" && request_id.length > 0, "a request id");
  let status, seen = new Set(), logs = 0;
  for (let i = 0; i < 200; i++) {
    status = await fal.queue.status(MODEL, { requestId: request_id, logs: true });
    seen.add(status.status);
    if (status.logs) logs = Math.max(logs, status.logs.length);
    if (status.status === "COMPLETED") break;
    await new Promise((r) => setTimeout(r, 100));
  }
  ensure(status.status === "COMPLETED", `completed, got ${status.status}`);
  ensure(seen.has("IN_QUEUE") && seen.has("IN_PROGRESS"), `queued then running: ${[...seen]}`);
  ensure(logs > 0, "logs came with logs=1");
  const result = await fal.queue.result(MODEL, { requestId: request_id });
  ensure(result.requestId === request_id, "the result names its request");
  ensure(Array.isArray(result.data.images) && result.data.images[0].url.startsWith("http"), "images with URLs");
});

await check("subscribe by polling", async () => {
  const updates = [];
  const result = await fal.subscribe(MODEL, { input, logs: true, mode: "polling", pollInterval: 100, onQueueUpdate: (u) => updates.push(u.status) });
  ensure(result.data.images.length === 1, "one image");
  ensure(updates.includes("IN_PROGRESS"), `updates: ${updates}`);
});

await check("subscribe by streaming", async () => {
  const updates = [];
  const result = await fal.subscribe(MODEL, { input, logs: true, mode: "streaming", onQueueUpdate: (u) => updates.push(u) });
  ensure(result.data.images.length === 1, "one image");
  ensure(updates.some((u) => u.status === "IN_PROGRESS"), `streamed updates: ${updates.map((u) => u.status)}`);
});

await check("cancel a queued job", async () => {
  const { request_id } = await fal.queue.submit(MODEL, { input });
  await fal.queue.cancel(MODEL, { requestId: request_id });
  const status = await fal.queue.status(MODEL, { requestId: request_id });
  ensure(status.status === "COMPLETED", `a cancelled job ends COMPLETED: ${status.status}`);
  let error;
  try {
    await fal.queue.result(MODEL, { requestId: request_id });
  } catch (e) {
    error = e;
  }
  ensure(error instanceof ApiError && error.status === 400, `the result of a cancelled job is an error: ${error}`);
});

await check("422 at the result is a validation error with its field", async () => {
  const f422 = clientFor(process.env.FAKE_422_URL);
  let error;
  try {
    await f422.subscribe(MODEL, { input, mode: "polling", pollInterval: 100 });
  } catch (e) {
    error = e;
  }
  ensure(error instanceof ValidationError, `a ValidationError: ${error}`);
  ensure(error.status === 422, "422");
  const fields = error.fieldErrors.map((f) => f.loc.join("."));
  ensure(fields.includes("body.image_size"), `loc names image_size: ${fields}`);
});

console.log(`\nfal-client conformance: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
