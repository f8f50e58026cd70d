import type { CloseLine, DecisionLine } from './decision-log-line.js';
import { jsonNullable, jsonNumber, jsonString } from './create-record-writer.js';

/** What the recorder knows when it decides; `dialed` and `dialError` follow once the dial settles. */
export type DecisionHead = Omit<DecisionLine, 'dialed' | 'dialError'>;

/**
 * A decision line's fields as JSON text for the RecordWriter, byte for byte what pino writes for the
 * object: the schema's order, absent optional fields left out. Written out field by field rather
 * than walked, so a line costs no generic serialisation.
 */
export function decisionLineText(
  line: DecisionHead,
  dialed: DecisionLine['dialed'],
  dialError?: DecisionLine['dialError'],
): string {
  return (
    `,"event":"decision","conn":${jsonString(line.conn)},"listener":${jsonString(line.listener)}` +
    `,"kind":${jsonString(line.kind)},"client":${jsonString(line.client)}` +
    `,"clientPort":${jsonNumber(line.clientPort)}` +
    (line.user === undefined ? '' : `,"user":${jsonString(line.user)}`) +
    `,"group":${jsonNullable(line.group)}` +
    `,"host":${jsonString(line.host)},"port":${jsonNumber(line.port)}` +
    `,"sni":${jsonNullable(line.sni)},"hostHeader":${jsonNullable(line.hostHeader)}` +
    `,"path":${jsonNullable(line.path)},"origDst":${jsonNullable(line.origDst)}` +
    `,"decision":${jsonString(line.decision)},"reason":${jsonString(line.reason)}` +
    `,"profile":${jsonNullable(line.profile)},"rule":${jsonNullable(line.rule)}` +
    `,"mode":${jsonString(line.mode)},"ech":${line.ech ? 'true' : 'false'}` +
    (line.detail === undefined ? '' : `,"detail":${jsonString(line.detail)}`) +
    `,"dialed":${jsonNullable(dialed)}` +
    (dialError === undefined ? '' : `,"dialError":${jsonString(dialError)}`)
  );
}

/** A close line's fields as JSON text, in the schema's order. */
export function closeLineText(line: CloseLine): string {
  return (
    `,"event":"close","conn":${jsonString(line.conn)},"listener":${jsonString(line.listener)}` +
    `,"client":${jsonString(line.client)},"group":${jsonNullable(line.group)}` +
    `,"host":${jsonString(line.host)},"port":${jsonNumber(line.port)}` +
    `,"decision":${jsonString(line.decision)},"profile":${jsonNullable(line.profile)}` +
    `,"rule":${jsonNullable(line.rule)},"bytesOut":${jsonNumber(line.bytesOut)}` +
    `,"bytesIn":${jsonNumber(line.bytesIn)},"durationMs":${jsonNumber(line.durationMs)}` +
    `,"closeReason":${jsonString(line.closeReason)}`
  );
}
