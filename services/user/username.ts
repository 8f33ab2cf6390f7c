// Which mixes of writing systems a username may use, so that no name can pass for another by
// swapping in look-alike letters from another script ("pаypal" with a Cyrillic а, "Αlice" with a
// Greek Α). The rule is the "Highly Restrictive" level of Unicode TS #39 (Security Mechanisms,
// section 5.2), the one browsers use for domain names: ignoring characters of the Common script
// (digits, punctuation such as @ . _ -, symbols, emoji) and Inherited ones (combining marks), a
// name's letters come from one script, or only from one of these sets, which real names and
// handles in East Asia mix:
//   Latin + Han + Hiragana + Katakana (Japanese)
//   Latin + Han + Bopomofo (Chinese)
//   Latin + Han + Hangul (Korean)
// So "张三abc", "山田たろう", "김철수", "Joe@Example.com" and "user_01" pass; "pаypal" (Latin +
// Cyrillic) and "Αlice" (Greek + Latin) do not. Whole-script look-alikes (a name written entirely
// in Cyrillic letters that look Latin) are not caught: that needs TS #39's confusables data.

/** Unicode scripts (ISO 15924 codes), the common ones first: a character's script is the first that matches. */
const SCRIPTS = (
  'Latn Hani Hira Kana Hang Bopo Cyrl Grek Arab Hebr Thai Deva Beng Taml Telu Knda Mlym Gujr Guru Orya Sinh Khmr Laoo Mymr Tibt Geor Armn Ethi Mong ' +
  'Adlm Aghb Ahom Armi Avst Bali Bamu Bass Batk Bhks Brah Brai Bugi Buhd Cakm Cans Cari Cham Cher Chrs Copt Cpmn Cprt Diak Dogr Dsrt Dupl Egyp Elba ' +
  'Elym Glag Gong Gonm Goth Gran Hano Hatr Hluw Hmng Hmnp Hung Ital Java Kali Kawi Khar Khoj Kits Kthi Lana Lepc Limb Lina Linb Lisu Lyci Lydi Mahj ' +
  'Maka Mand Mani Marc Medf Mend Merc Mero Modi Mroo Mtei Mult Nagm Nand Narb Nbat Newa Nkoo Nshu Ogam Olck Orkh Osge Osma Ougr Palm Pauc Perm Phag ' +
  'Phli Phlp Phnx Plrd Prti Rjng Rohg Runr Samr Sarb Saur Sgnw Shaw Shrd Sidd Sind Sogd Sogo Sora Soyo Sund Sylo Syrc Tagb Takr Tale Talu Tang Tavt ' +
  'Tfng Tglg Thaa Tirh Tnsa Toto Ugar Vaii Vith Wara Wcho Xpeo Xsux Yezi Yiii Zanb'
).split(' ');

const NEUTRAL = /[\p{sc=Zyyy}\p{sc=Zinh}]/u;
const BY_SCRIPT = SCRIPTS.map((name) => [name, new RegExp(`\\p{sc=${name}}`, 'u')] as const);

/** Script sets TS #39 "Highly Restrictive" allows beyond a single script. */
const ALLOWED_MIXES: readonly ReadonlySet<string>[] = [
  new Set(['Latn', 'Hani', 'Hira', 'Kana']),
  new Set(['Latn', 'Hani', 'Bopo']),
  new Set(['Latn', 'Hani', 'Hang']),
];

/** The scripts of a text's characters, Common and Inherited left out; 'unknown' for a script not in the list. */
export function scriptsOf(text: string): Set<string> {
  const found = new Set<string>();
  for (const ch of text) {
    if (NEUTRAL.test(ch)) continue;
    found.add(BY_SCRIPT.find(([, re]) => re.test(ch))?.[0] ?? 'unknown');
  }
  return found;
}

/** Undefined when the name's scripts may be mixed; else the scripts it mixes, for the message. */
export function forbiddenScriptMix(name: string): string[] | undefined {
  const scripts = scriptsOf(name);
  if (scripts.has('unknown') && scripts.size > 1) return [...scripts];
  if (scripts.size <= 1) return undefined;
  if (ALLOWED_MIXES.some((mix) => [...scripts].every((s) => mix.has(s)))) return undefined;
  return [...scripts];
}

const displayNames = new Intl.DisplayNames(['en'], { type: 'script' });

/** "Latin and Cyrillic", for messages. */
export function scriptNames(codes: readonly string[]): string {
  const names = codes.map((c) => (c === 'unknown' ? 'a script this server does not know' : (displayNames.of(c) ?? c)));
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
