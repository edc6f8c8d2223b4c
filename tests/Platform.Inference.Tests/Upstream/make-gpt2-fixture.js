// Makes gpt2-fixture.json: texts and the token ids the npm package gpt-3-encoder@1.1.4 (pinned in
// services/Inference/Tokenizers/Bpe/package-lock.json) gives them, the reference that
// Gpt2TokenizerTests holds the C# tokenizer to. Run from the repository root after npm ci there:
//   (cd services/Inference/Tokenizers/Bpe && npm ci) && node tests/Platform.Inference.Tests/Upstream/make-gpt2-fixture.js
const fs = require('fs');
const path = require('path');
const root = path.resolve(__dirname, '../../..');
const { encode } = require(path.join(root, 'services/Inference/Tokenizers/Bpe/node_modules/gpt-3-encoder'));
const version = require(path.join(root, 'services/Inference/Tokenizers/Bpe/node_modules/gpt-3-encoder/package.json')).version;

const written = [
  '',
  'Hello, world!',
  'The quick brown fox jumps over the lazy dog.',
  // Contractions: the regex knows lower-case ones only, and checks them before letters.
  "I'm sure they'll say we've done what she'd've done; it's John's, isn't it? DON'T SHOUT, I'M 'sure'",
  "'s 't 're 've 'm 'll 'd 'x ''s",
  // Whitespace runs: a run before a word leaves its last space to the word.
  'a  b   c    d',
  'trailing spaces   ',
  '   leading spaces',
  'tabs\tand\t\ttabs',
  'lines\n\nand\r\nmore\n  indented\n\tcode',
  ' ',
  '\n',
  '  \n  ',
  // Unicode letters, marks and numbers.
  'café naïve façade résumé Ångström',
  'e\u0301 combining marks: a\u0308o\u0308u\u0308',
  'Ελληνικά, Русский язык, עברית, العربية, हिन्दी, ไทย',
  '日本語のテキストと中文文本和한국어 텍스트',
  'Ⅻ ² ½ ٣ 三 numbers: 12345 67.89 1,000,000 3.14159',
  // Emoji: single, skin tone, ZWJ sequences, flags, keycaps.
  'Hello 👋 👋🏽 👨‍👩‍👧‍👦 🇫🇷🇯🇵 1️⃣ ❤️ 🤖🚀✨',
  // Astral letters (surrogate pairs in UTF-16) count as letters.
  '𝐀𝐁𝐂 𝒜𝒷𝒸 𠀀𠀁 mixed𝐀text',
  // Unusual spaces: no-break, ideographic, BOM, next line, zero-width.
  'no\u00a0break\u3000ideographic\ufeffbom\u0085nel\u200bzero\u200dwidth',
  'code: for (int i = 0; i < n; i++) { sum += a[i] * b[i]; } // done',
  '{"messages":[{"role":"user","content":"Hi!"}],"max_tokens":16}',
  'https://example.com/path?query=1&other=two#fragment user@example.org',
  '!!!??? ... --- *** ### $$$ %%% ^^^ &&& ((( ))) ___ +++ === ~~~ ```',
  'supercalifragilisticexpialidocious antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis',
  'A'.repeat(300),
  'The tokenizer counts tokens of prompts and completions when an upstream does not report usage. '.repeat(5),
];

// Deterministic random strings over a pool that mixes every class the pre-tokenizer tells apart.
const pool = [...'abcXYZ019 \t\n\'.,!?-_éßçΩжあ中한😀👍🏽🇩🇪𝐀½²\u00a0\u3000\u0301\u200d"'];
let seed = 20261122;
const next = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed; };
const generated = [];
for (let i = 0; i < 200; i++) {
  const length = 1 + (next() % 40);
  let text = '';
  for (let j = 0; j < length; j++) {
    text += next() % 5 === 0 ? ["'s", "'ll", "  ", "'t", ' the'][next() % 5] : pool[next() % pool.length];
  }
  generated.push(text);
}

const cases = [...written, ...generated].map(text => ({ text, ids: encode(text) }));
const fixture = { package: `gpt-3-encoder@${version}`, node: process.version, cases };
fs.writeFileSync(path.join(__dirname, 'gpt2-fixture.json'), JSON.stringify(fixture, null, 1) + '\n');
console.log(`wrote ${cases.length} cases`);
