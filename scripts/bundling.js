import ts from 'typescript'

// What the bundles of scripts/vendor.js and scripts/bundle-commands.js have in common.

/** Text with every character outside ASCII written as a \\u escape: V8 reads a one-byte source faster. */
export function ascii(text) {
  return text.replace(/[^\0-\x7f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/**
 * The bundle with each `import(…)` written as `__import(…)`, a function the code cache passes in: a script that V8
 * compiles through its code cache (node:vm) cannot import on Node.js 20 without an experimental flag. The calls are
 * found by TypeScript's parser, so a string or comment holding the word is left alone.
 */
export function routeImports(text) {
  if (/\b__import\b/.test(text)) throw new Error('the bundle names __import itself')
  const source = ts.createSourceFile('bundle.cjs', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS)
  const starts = []
  const visit = (node) => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) starts.push(node.expression.getStart(source))
    ts.forEachChild(node, visit)
  }
  visit(source)
  let routed = text
  for (const start of starts.sort((a, b) => b - a)) routed = `${routed.slice(0, start)}__import${routed.slice(start + 'import'.length)}`
  return routed
}
