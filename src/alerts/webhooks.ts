/**
 * Webhook delivery: each alert is POSTed as JSON to every matching webhook, signed with
 * HMAC-SHA256 over the exact body bytes (header `X-Frontline-Signature: sha256=<hex>`), retried with
 * exponential back-off on network errors, timeouts and 5xx/429, and never on other 4xx.
 * Delivery runs on timers after the caller returns: enqueue() never blocks or throws.
 * Every delivery is recorded in webhook_deliveries first (status pending), so deliveries cut short by a
 * restart are resumed by the next dispatcher (`resume: true`). The delivery id is sent as
 * X-Frontline-Delivery and stays the same across retries, so receivers can drop duplicates.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Alert, WatchRepository, Webhook } from './repository.js';

export const SIGNATURE_HEADER = 'X-Frontline-Signature';

export function signBody(secret: string, body: string | Buffer): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}

/** Constant-time check of a received signature header (for receivers and tests). */
export function verifySignature(secret: string, body: string | Buffer, header: string | undefined | null): boolean {
  if (!header) return false;
  const expected = Buffer.from(signBody(secret, body));
  const got = Buffer.from(header);
  return expected.length === got.length && timingSafeEqual(expected, got);
}

export interface WebhookOptions {
  /** Attempts in total, first included. Default 6. */
  maxAttempts?: number;
  /** First retry delay in ms, doubled each attempt. Default 2000. */
  baseDelayMs?: number;
  /** Cap on a retry delay. Default 5 minutes. */
  maxDelayMs?: number;
  /** Per-request timeout. Default 10 s. */
  timeoutMs?: number;
  /** Resume deliveries left pending by an earlier process (default false; startAlertsService sets it). */
  resume?: boolean;
  /** Called when a delivery ends (delivered or given up). */
  onResult?: (r: { webhook: Webhook; alert: Alert; ok: boolean; attempts: number; status: number | null; error: string | null }) => void;
}

export interface WebhookDispatcher {
  enqueue(alert: Alert): void;
  /** Resolves when nothing is in flight or waiting (for tests and clean shutdown). */
  idle(): Promise<void>;
  /** Drop pending retries. */
  stop(): void;
}

export function createWebhookDispatcher(repo: WatchRepository, opts: WebhookOptions = {}): WebhookDispatcher {
  const maxAttempts = opts.maxAttempts ?? 6;
  const base = opts.baseDelayMs ?? 2000;
  const maxDelay = opts.maxDelayMs ?? 5 * 60_000;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let stopped = false;
  let waiters: (() => void)[] = [];

  const settle = () => {
    if (inFlight === 0 && timers.size === 0) {
      const w = waiters;
      waiters = [];
      for (const f of w) f();
    }
  };

  const attempt = async (webhook: Webhook, alert: Alert, body: string, deliveryId: number, n: number) => {
    if (stopped) {
      // left pending in webhook_deliveries for the next process to resume
      settle();
      return;
    }
    inFlight++;
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Frontline-Webhook/1',
          [SIGNATURE_HEADER]: signBody(webhook.secret, body),
          'X-Frontline-Event': `alert.${alert.kind}`,
          'X-Frontline-Delivery': String(deliveryId),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = res.status;
      await res.body?.cancel().catch(() => {});
      if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
    } catch (e) {
      error = e instanceof Error ? (e.name === 'TimeoutError' ? `timeout after ${timeoutMs} ms` : e.message) : String(e);
    }
    const ok = error === null;
    const retryable = !ok && (status === null || status >= 500 || status === 429 || status === 408);
    const done = ok || !retryable || n >= maxAttempts;
    try {
      if (repo.db.open) {
        repo.recordDelivery(webhook.id, alert.id, {
          // stopped meanwhile: stays pending for the next process
          status: ok ? 'delivered' : done ? 'failed' : 'pending',
          attempts: n,
          last_status: status,
          last_error: error,
        });
      }
    } catch {
      // the record is informational; a closed repository must not break delivery
    }
    if (!done && !stopped) {
      const delay = Math.min(maxDelay, base * 2 ** (n - 1));
      const t = setTimeout(() => {
        timers.delete(t);
        void attempt(webhook, alert, body, deliveryId, n + 1);
      }, delay);
      t.unref();
      timers.add(t);
    } else if (done) {
      try {
        opts.onResult?.({ webhook, alert, ok, attempts: n, status, error });
      } catch {
        // a listener's error is not ours to propagate
      }
    }
    inFlight--;
    settle();
  };

  const start = (h: Webhook, alert: Alert, id: number, n: number, delayMs: number) => {
    const body = JSON.stringify({ type: `alert.${alert.kind}`, alert });
    if (delayMs <= 0) {
      inFlight++;
      setImmediate(() => {
        inFlight--;
        void attempt(h, alert, body, id, n);
      });
      return;
    }
    const t = setTimeout(() => {
      timers.delete(t);
      void attempt(h, alert, body, id, n);
    }, delayMs);
    t.unref();
    timers.add(t);
  };

  if (opts.resume) {
    try {
      for (const p of repo.pendingDeliveries()) start(p.webhook, p.alert, p.delivery.id, p.delivery.attempts + 1, Math.min(base, 1000));
    } catch {
      // nothing to resume
    }
  }

  return {
    enqueue(alert) {
      if (stopped) return;
      try {
        for (const h of repo.webhooksFor(alert.zone_id)) {
          const id = repo.recordDelivery(h.id, alert.id, { status: 'pending', attempts: 0, last_status: null, last_error: null });
          start(h, alert, id, 1, 0);
        }
      } catch {
        // a closed or broken repository: nothing can be delivered or recorded
      }
    },
    idle() {
      if (inFlight === 0 && timers.size === 0) return Promise.resolve();
      return new Promise((r) => waiters.push(r));
    },
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      settle();
    },
  };
}
