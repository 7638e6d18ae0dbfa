#!/usr/bin/env node
// Summarises V8 CPU profiles (.cpuprofile, from `node --cpu-prof` or `npm run bench -- --profile`):
// self time by function and by package or source file, and inclusive time by function.
//
//   node bench/lib/profile-summary.mjs <file.cpuprofile> [--top 25] [--filter text] [--stacks fn]
//
// --stacks fn  the heaviest call paths that reach a function whose name/location contains `fn`
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { REPO_ROOT } from './paths.mjs';

function where(url) {
  if (!url) return '(native)';
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm !== -1) {
    const rest = path.slice(nm + 14).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (path.startsWith('node:')) return path;
  const rel = relative(REPO_ROOT, path);
  return rel.replace(/^bench\/tmp\/snapshot\//, '');
}

export function summarise(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const key = (n) => `${n.callFrame.functionName || '(anonymous)'} ${where(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const selfByFn = new Map();
  const selfByWhere = new Map();
  for (const [id, t] of self) {
    const n = byId.get(id);
    selfByFn.set(key(n), (selfByFn.get(key(n)) ?? 0) + t);
    const w = ['(idle)', '(program)', '(garbage collector)'].includes(n.callFrame.functionName) ? n.callFrame.functionName : where(n.callFrame.url);
    selfByWhere.set(w, (selfByWhere.get(w) ?? 0) + t);
  }
  // Inclusive time: each sample counts once for every distinct function on its stack.
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map();
  for (const [id, t] of self) {
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const k = key(byId.get(cur));
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + t);
    }
  }
  const idle = selfByWhere.get('(idle)') ?? 0;
  /** The heaviest call paths (depth frames, innermost last) ending in a function matching `name`. */
  const stacksOf = (name, depth = 8) => {
    const paths = new Map();
    for (const [id, t] of self) {
      const chain = [];
      for (let cur = id; cur !== undefined; cur = parent.get(cur)) chain.push(byId.get(cur));
      const at = chain.findIndex((n) => key(n).includes(name));
      if (at === -1) continue;
      const path = chain
        .slice(at, at + depth)
        .reverse()
        .map((n) => `${n.callFrame.functionName || '(anonymous)'}@${where(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`)
        .join(' > ');
      paths.set(path, (paths.get(path) ?? 0) + t);
    }
    return paths;
  };
  return { total, busy: total - idle, selfByFn, selfByWhere, inclusive, stacksOf };
}

function top(map, n, busy, filter) {
  return [...map]
    .filter(([k]) => !filter || k.includes(filter))
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, t]) => `${((t / busy) * 100).toFixed(1).padStart(5)} %  ${(t / 1000).toFixed(0).padStart(7)} ms  ${k}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a));
  const topN = Number(args[args.indexOf('--top') + 1]) || 25;
  const filter = args.includes('--filter') ? args[args.indexOf('--filter') + 1] : undefined;
  const s = summarise(JSON.parse(readFileSync(file, 'utf8')));
  if (args.includes('--stacks')) {
    const name = args[args.indexOf('--stacks') + 1];
    console.log(`heaviest call paths through ${name} (time below that frame):`);
    console.log(top(s.stacksOf(name), topN, s.busy).join('\n'));
    process.exit(0);
  }
  console.log(`${file}: ${(s.total / 1e6).toFixed(1)} s sampled, ${(s.busy / 1e6).toFixed(1)} s busy (percentages of busy time)`);
  console.log('\nself time by package / file:');
  console.log(top(s.selfByWhere, topN, s.busy).join('\n'));
  console.log('\nself time by function:');
  console.log(top(s.selfByFn, topN, s.busy, filter).join('\n'));
  console.log('\ninclusive time by function:');
  console.log(top(s.inclusive, topN, s.busy, filter).join('\n'));
}
