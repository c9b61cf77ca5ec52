/** One command of a fenced shell block in README.md, as bash will run it. */
export interface ReadmeCommand {
  /** The command text: `# comments` removed, continuation lines kept (backslash-newline), trimmed. */
  text: string;
  /** 1-based README line the command starts on. */
  line: number;
  /** The nearest heading above the block. */
  section: string;
}

const SHELL_FENCES = new Set(['sh', 'bash', 'shell', 'zsh', 'console']);

/**
 * Every command of README's fenced shell blocks (```sh, ```bash, …), in README order. Other fences
 * (```ts, plain ```) are not commands. A `#` starts a comment where bash would see one: at the
 * start of a word, outside quotes. A newline ends a command unless escaped with a backslash or
 * inside quotes.
 */
export function readmeCommands(markdown: string): ReadmeCommand[] {
  const lines = markdown.split('\n');
  const out: ReadmeCommand[] = [];
  let section = '';
  let fence: { marker: string; shell: boolean; body: string[]; firstLine: number } | null = null;
  for (const [i, line] of lines.entries()) {
    if (fence) {
      if (line.trimStart().startsWith(fence.marker) && line.trim() === fence.marker) {
        if (fence.shell) out.push(...splitCommands(fence.body.join('\n'), fence.firstLine, section));
        fence = null;
      } else fence.body.push(line);
      continue;
    }
    const open = /^\s*(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
    if (open) {
      fence = { marker: open[1]!, shell: SHELL_FENCES.has(open[2]!.toLowerCase()), body: [], firstLine: i + 2 };
      continue;
    }
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) section = heading[1]!.trim();
  }
  if (fence) throw new Error(`README: the fenced block opened on line ${fence.firstLine - 1} is never closed`);
  return out;
}

/** Splits a shell block into commands; `firstLine` is the README line of the block's first line. */
export function splitCommands(block: string, firstLine = 1, section = ''): ReadmeCommand[] {
  const out: ReadmeCommand[] = [];
  let text = '';
  let line = firstLine;
  let startLine = firstLine;
  let quote: "'" | '"' | null = null;
  const flush = () => {
    const t = text.trim();
    if (t) out.push({ text: t, line: startLine, section });
    text = '';
  };
  for (let i = 0; i < block.length; i++) {
    const c = block[i]!;
    if (text.trim() === '') startLine = line;
    if (c === '\n') {
      line++;
      if (quote) text += c;
      else flush();
      continue;
    }
    if (quote === "'") {
      text += c;
      if (c === "'") quote = null;
      continue;
    }
    if (c === '\\') {
      // An escaped character, or a continuation (backslash-newline), is copied as is.
      const next = block[i + 1];
      text += c;
      if (next !== undefined) text += block[++i]!;
      if (next === '\n') line++;
      continue;
    }
    if (quote === '"') {
      text += c;
      if (c === '"') quote = null;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      text += c;
      continue;
    }
    if (c === '#' && (text === '' || /\s$/.test(text))) {
      while (i + 1 < block.length && block[i + 1] !== '\n') i++;
      continue;
    }
    text += c;
  }
  if (quote) throw new Error(`README line ${startLine}: unterminated ${quote} quote in a shell block`);
  flush();
  return out;
}

/** The command on one line, whitespace (and continuations) collapsed: what the category rules match. */
export function normalized(text: string): string {
  return text.replace(/\\\n/g, ' ').replace(/\s+/g, ' ').trim();
}
