/** What a command needs of docker-compose.yml, read without a YAML library (the file's block style only). */
export interface ComposeService {
  name: string;
  profiles: string[];
  build: boolean;
  volumes: string[];
  ports: string[];
}

/** The services of a compose file written in block style with two-space indentation, as Wick's is. */
export function composeServices(yaml: string): Map<string, ComposeService> {
  const out = new Map<string, ComposeService>();
  let inServices = false;
  let current: ComposeService | null = null;
  let list: 'volumes' | null = null;
  for (const raw of yaml.split('\n')) {
    const line = raw.replace(/\s+#.*$/, '');
    if (/^\S/.test(line)) {
      inServices = /^services:\s*$/.test(line);
      current = null;
      continue;
    }
    if (!inServices || line.trim() === '') continue;
    const service = /^ {2}([\w.-]+):/.exec(line);
    if (service) {
      current = { name: service[1]!, profiles: [], build: false, volumes: [], ports: [] };
      out.set(current.name, current);
      list = null;
      continue;
    }
    if (!current) continue;
    const key = /^ {4}([\w-]+):\s*(.*)$/.exec(line);
    if (key) {
      const [, name, value] = key as unknown as [string, string, string];
      list = name === 'volumes' && value === '' ? 'volumes' : null;
      if (name === 'build') current.build = true;
      if (name === 'profiles') current.profiles = inlineList(value);
      if (name === 'ports') current.ports = inlineList(value);
      continue;
    }
    const item = /^ {6}- (.*)$/.exec(line);
    if (item && list === 'volumes') current.volumes.push(unquote(item[1]!.trim()));
  }
  return out;
}

function unquote(s: string): string {
  return s.replace(/^['"]|['"]$/g, '');
}

/** `['a', 'b']` → a, b. */
function inlineList(value: string): string[] {
  const m = /^\[(.*)\]$/.exec(value.trim());
  return m
    ? m[1]!
        .split(',')
        .map((s) => unquote(s.trim()))
        .filter(Boolean)
    : [];
}
