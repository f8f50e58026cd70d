/** A CONNECT head the fast front may answer itself, exactly as Node's HTTP server would have read it. */
export interface ConnectHead {
  /** The request-target as sent (authority form, before any parsing). */
  readonly target: string;
  /** The first Proxy-Authorization field value, trimmed, as Node keeps it. */
  readonly proxyAuthorization: string | undefined;
  /** Bytes up to and including the blank line: what follows is already tunnel data. */
  readonly length: number;
}

/** 'partial': a strict prefix so far, read on; 'other': hand every byte to the HTTP server. */
export type ConnectHeadScan = ConnectHead | 'partial' | 'other';

export interface ConnectHeadScanner {
  /** Scans the next chunk; `all` is every byte received so far, this chunk last. */
  push(chunk: Buffer, all: () => Buffer): ConnectHeadScan;
}

const METHOD = Buffer.from('CONNECT ', 'latin1');
const VERSION = Buffer.from('HTTP/1.', 'latin1');
const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const COLON = 0x3a;

const enum State {
  Method,
  Target,
  Version,
  Minor,
  LineCr,
  LineLf,
  LineStart,
  Name,
  Value,
  ValueLf,
  EndLf,
}

/** Bytes of a request-target the fast path takes: an authority, nothing llhttp could read otherwise. */
const TARGET_BYTE = byteTable(/[A-Za-z0-9._:[\]-]/);
/** RFC 9110 tchar. */
const NAME_BYTE = byteTable(/[A-Za-z0-9!#$%&'*+.^_`|~-]/);
/** Visible ASCII, space and tab: no obs-text, no control bytes. */
const VALUE_BYTE = byteTable(/[\x20-\x7e\t]/);

/**
 * A strict, incremental reader of one grammar only:
 *   "CONNECT" SP target SP "HTTP/1." ("0" / "1") CRLF *( tchar-name ":" value CRLF ) CRLF
 * with the whole head shorter than `maxBytes`. Whatever falls outside it (another method, obs-fold,
 * a bare LF, a byte llhttp might read differently, framing fields, a head at the size limit) is
 * 'other', decided at the first byte that leaves the grammar, so the HTTP server answers it with the
 * same bytes it always did. Each byte is looked at once, however the head is split into chunks.
 */
export function createConnectHeadScanner(maxBytes: number): ConnectHeadScanner {
  let state = State.Method;
  let offset = 0; // bytes scanned before the current chunk
  let matched = 0; // bytes matched of METHOD / VERSION
  let targetStart = 0;
  let targetEnd = 0;
  /** Absolute [nameStart, colon, lineEnd] of each field. */
  const fields: number[] = [];
  let nameStart = 0;
  let colon = 0;

  const scan = (chunk: Buffer): number | 'partial' | 'other' => {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] ?? 0;
      const at = offset + i;
      if (at + 1 >= maxBytes) return 'other';
      switch (state) {
        case State.Method:
          if (b !== METHOD[matched]) return 'other';
          if (++matched === METHOD.length) {
            state = State.Target;
            targetStart = at + 1;
          }
          break;
        case State.Target:
          if (b === SP && at > targetStart) {
            targetEnd = at;
            state = State.Version;
            matched = 0;
          } else if (TARGET_BYTE[b] !== 1) return 'other';
          break;
        case State.Version:
          if (b !== VERSION[matched]) return 'other';
          if (++matched === VERSION.length) state = State.Minor;
          break;
        case State.Minor:
          if (b !== 0x30 && b !== 0x31) return 'other';
          state = State.LineCr;
          break;
        case State.LineCr:
          if (b !== CR) return 'other';
          state = State.LineLf;
          break;
        case State.LineLf:
        case State.ValueLf:
          if (b !== LF) return 'other';
          if (state === State.ValueLf) fields.push(nameStart, colon, at - 1);
          state = State.LineStart;
          break;
        case State.LineStart:
          if (b === CR) state = State.EndLf;
          else if (NAME_BYTE[b] === 1) {
            nameStart = at;
            state = State.Name;
          } else return 'other';
          break;
        case State.Name:
          if (b === COLON) {
            colon = at;
            state = State.Value;
          } else if (NAME_BYTE[b] !== 1) return 'other';
          break;
        case State.Value:
          if (b === CR) state = State.ValueLf;
          else if (VALUE_BYTE[b] !== 1) return 'other';
          break;
        case State.EndLf:
          return b === LF ? at + 1 : 'other';
      }
    }
    offset += chunk.length;
    return 'partial';
  };

  return {
    push(chunk, all) {
      const end = scan(chunk);
      if (typeof end !== 'number') return end;
      return readHead(all(), end, targetStart, targetEnd, fields);
    },
  };
}

function readHead(
  bytes: Buffer,
  length: number,
  targetStart: number,
  targetEnd: number,
  fields: readonly number[],
): ConnectHeadScan {
  let proxyAuthorization: string | undefined;
  for (let f = 0; f < fields.length; f += 3) {
    const name = bytes.toString('latin1', fields[f], fields[f + 1]).toLowerCase();
    // Body framing on a CONNECT is an error or a smuggling attempt in llhttp's eyes: its call.
    if (name === 'content-length' || name === 'transfer-encoding') return 'other';
    if (name === 'proxy-authorization' && proxyAuthorization === undefined) {
      proxyAuthorization = bytes.toString('latin1', (fields[f + 1] ?? 0) + 1, fields[f + 2]).trim();
    }
  }
  return { target: bytes.toString('latin1', targetStart, targetEnd), proxyAuthorization, length };
}

function byteTable(allowed: RegExp): Uint8Array {
  const table = new Uint8Array(256);
  for (let b = 0; b < 128; b++) if (allowed.test(String.fromCharCode(b))) table[b] = 1;
  return table;
}
