// Runs a YoWASP tool (yosys, nextpnr-ice40, icepack) on the files of the current directory:
// YoWASP tools see only a virtual file system, so the directory is copied in and every file the
// tool wrote or changed is copied back. Usage: node yowasp-run.mjs TOOL [ARGS...]; the packages
// are looked up in CHILTEPIN_YOWASP (the folder scripts/setup.sh installs them into).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [tool, ...args] = process.argv.slice(2);
const home = process.env.CHILTEPIN_YOWASP;
const pkg = tool === 'yosys' ? '@yowasp/yosys' : '@yowasp/nextpnr-ice40';
const entry = path.join(home, 'node_modules', pkg, 'gen', 'bundle.js');
const mod = await import(pathToFileURL(entry).href);
if (args[0] === '--package-version') {
  console.log(mod.version);
  process.exit(0);
}

function readTree(dir) {
  const tree = {};
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) tree[e.name] = readTree(p);
    else if (e.isFile()) tree[e.name] = new Uint8Array(fs.readFileSync(p));
  }
  return tree;
}

function writeBack(dir, tree, before) {
  for (const [name, v] of Object.entries(tree)) {
    const p = path.join(dir, name);
    if (typeof v === 'object' && !(v instanceof Uint8Array)) {
      // The tools' scratch folders (an empty tmp/) are not worth creating.
      if (Object.keys(v).length === 0) continue;
      fs.mkdirSync(p, { recursive: true });
      writeBack(p, v, before && typeof before[name] === 'object' && !(before[name] instanceof Uint8Array) ? before[name] : undefined);
      continue;
    }
    const bytes = typeof v === 'string' ? Buffer.from(v) : Buffer.from(v);
    const old = before ? before[name] : undefined;
    if (old instanceof Uint8Array && Buffer.compare(Buffer.from(old), bytes) === 0) continue;
    fs.writeFileSync(p, bytes);
  }
}

const input = readTree(process.cwd());
const out = (b) => { if (b) process.stdout.write(b); };
const err = (b) => { if (b) process.stderr.write(b); };
try {
  const files = await mod.commands[tool](args, input, { stdout: out, stderr: err });
  writeBack(process.cwd(), files, input);
  process.exit(0);
} catch (e) {
  if (e && e.files) writeBack(process.cwd(), e.files, input);
  if (e && typeof e.code === 'number') process.exit(e.code);
  console.error(`${tool}: ${e && e.message ? e.message : e}`);
  process.exit(1);
}
