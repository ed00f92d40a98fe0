/**
 * Decoding untrusted document bytes into text: strict UTF-8 (a BOM is dropped), with clear errors for
 * binary content, invalid UTF-8 and oversized input. Pure; used by every entry point that reads bytes.
 */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

export type DecodeResult = { ok: true; text: string } | { ok: false; error: string };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export function decodeText(bytes: Uint8Array, maxBytes = MAX_DOCUMENT_BYTES): DecodeResult {
  if (bytes.length > maxBytes) return { ok: false, error: `document is ${bytes.length} bytes, larger than the limit of ${maxBytes}` };
  const probe = bytes.subarray(0, 8192);
  if (probe.includes(0)) return { ok: false, error: 'document looks binary (it contains NUL bytes); expected text' };
  try {
    return { ok: true, text: utf8.decode(bytes) };
  } catch {
    let offset = 0;
    for (let step = 1 << 16; offset < bytes.length; offset += step) {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, Math.min(bytes.length, offset + step)), { stream: true });
      } catch {
        break;
      }
    }
    return { ok: false, error: `document is not valid UTF-8 (first bad byte near offset ${offset}); convert it to UTF-8 first` };
  }
}
