/** Printing command lines a user can paste into a POSIX shell. */

/** One word: bare when it is plain, else single-quoted ('\'' for a quote inside). */
export const shellQuote = (s: string): string => (/^[\w.@/:=,+%-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** Words joined into one line, each quoted as needed. */
export const shellLine = (words: readonly string[]): string => words.map(shellQuote).join(' ');
