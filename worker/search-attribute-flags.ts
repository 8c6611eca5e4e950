/** Prints the dev server's --search-attribute flags from the workflow's own definitions. */
import { searchAttributes } from '../workflows/definitions.js';

const typeNames = { KEYWORD: 'Keyword', DATETIME: 'Datetime' } as const;
console.log(
  Object.values(searchAttributes)
    .map((key) => `--search-attribute ${key.name}=${typeNames[key.type as keyof typeof typeNames]}`)
    .join(' '),
);
