// The README's JavaScript API examples: each ```js block right after a `<!-- readme-example -->`
// line, in order, and the `// prints: …` lines that say what they print.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from '../browser.mjs';

const MARK = '<!-- readme-example -->';

/** { blocks: string[], expected: string[] } of README.md. */
export function readmeExamples(file = path.join(REPO, 'README.md')) {
  const text = readFileSync(file, 'utf8');
  const blocks = [];
  for (let at = text.indexOf(MARK); at !== -1; at = text.indexOf(MARK, at + MARK.length)) {
    const m = /^\s*```js\n([\s\S]*?)\n```/.exec(text.slice(at + MARK.length));
    if (!m) throw new Error(`README.md: ${MARK} at offset ${at} is not followed by a \`\`\`js block`);
    blocks.push(m[1]);
  }
  const expected = blocks.flatMap((b) => [...b.matchAll(/^\s*\/\/ prints: (.*)$/gm)].map((m) => m[1]));
  return { blocks, expected };
}
