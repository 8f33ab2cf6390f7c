// The public name of an account made by mobile sign-in: "user-" and eight random lowercase
// letters (26^8 ≈ 2·10^11 of them). Nothing of the number shows: a masked number such as
// 138****8002 told anyone seven of its eleven digits, and with the carrier prefix and a guess at
// the region little else was left to try. Letters only, so no digit in the name can be mistaken
// for one of the number's. Names need not be unique (usernames are); the user may change it.
import { randomInt } from 'node:crypto';

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const TAG_LENGTH = 8;

export function generatedName(): string {
  let tag = '';
  for (let i = 0; i < TAG_LENGTH; i++) tag += LETTERS[randomInt(LETTERS.length)];
  return `user-${tag}`;
}
