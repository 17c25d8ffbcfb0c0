// Leveled logging in logrus's text format (what classic Swarm printed), to stderr.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'panic';

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, fatal: 4, panic: 5 };
export const LOG_LEVELS = Object.keys(ORDER) as LogLevel[];

export type LogFields = Record<string, string | number | boolean | undefined>;

export type LogFormat = 'text' | 'json';

let threshold: LogLevel = 'info';
let format: LogFormat = 'text';
let sink: (line: string) => void = (line) => process.stderr.write(line + '\n');

export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

/** text: logrus's text format (classic Swarm's); json: one JSON object a line (time, level, msg, fields). */
export function setLogFormat(f: LogFormat): void {
  format = f;
}

export function isLogLevel(v: string): v is LogLevel {
  return v in ORDER;
}

/** Redirects log lines (tests capture them). Returns the previous sink. */
export function setLogSink(fn: (line: string) => void): (line: string) => void {
  const prev = sink;
  sink = fn;
  return prev;
}

function quote(v: string): string {
  return /^[\w./:@-]+$/.test(v) ? v : JSON.stringify(v);
}

function write(level: LogLevel, msg: string, fields?: LogFields): void {
  if (ORDER[level] < ORDER[threshold]) return;
  const levelText = level === 'warn' ? 'warning' : level;
  if (format === 'json') {
    const obj: Record<string, unknown> = { time: new Date().toISOString(), level: levelText, msg };
    for (const [k, v] of Object.entries(fields ?? {})) if (v !== undefined && !(k in obj)) obj[k] = v;
    sink(JSON.stringify(obj));
    return;
  }
  let line = `time="${new Date().toISOString()}" level=${level === 'warn' ? 'warning' : level} msg=${JSON.stringify(msg)}`;
  if (fields) {
    for (const [k, v] of Object.entries(fields)) {
      if (v !== undefined) line += ` ${k}=${quote(String(v))}`;
    }
  }
  sink(line);
}

export const log = {
  debug: (msg: string, fields?: LogFields) => write('debug', msg, fields),
  info: (msg: string, fields?: LogFields) => write('info', msg, fields),
  warn: (msg: string, fields?: LogFields) => write('warn', msg, fields),
  error: (msg: string, fields?: LogFields) => write('error', msg, fields),
  enabled: (level: LogLevel) => ORDER[level] >= ORDER[threshold],
};
