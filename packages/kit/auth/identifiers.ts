// The canonical forms of what a person signs in with, so that one person is one account and one
// allowance however they type it. Services store and index these forms; the gateway keys its
// per-account and per-mobile limits by the same ones.
//   Username: NFKC, Unicode's compatibility normalisation (fullwidth ｊｏｅ is joe, the ligature ﬁ
//     is f + i, composed and decomposed accents are one), stored as such. Uniqueness and sign-in
//     compare its key: the NFKC form case-folded. JavaScript has no full case folding; upper- then
//     lower-casing gives the same result for the letters that matter (ß and SS fold to ss, final ς
//     and Σ to σ), and NFKC again afterwards keeps the key normalised.
//   Mobile: E.164 (+8613900139000), read with libphonenumber-js's full metadata, which checks the
//     number ranges each country assigns, not only lengths. A number without a country code
//     (13900139000, 139 0013 9000) is read in the default region; +86…, 86… and 0086… (00 being that
//     region's international prefix) in the country they name.
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { errors } from '#kit/errors';

export interface AccountKeysOptions {
  /**
   * Required: the ISO 3166 region (two capital letters, e.g. 'CN') in which numbers written without
   * a country code are read: where most users are, since that is how they type their own number.
   */
  defaultRegion: string;
}

export interface AccountKeys {
  readonly defaultRegion: string;
  /** The E.164 form of a phone number, or undefined when it is not a valid number. */
  mobile(raw: string): string | undefined;
  /** The E.164 form, or InvalidArgument naming `mobile` and saying what is accepted. */
  checkMobile(raw: string): string;
}

/** Digits (ASCII after NFKC), the separators people type, and one leading +: nothing else is read as part of a number. */
const PHONE_TEXT = /^\+?[0-9 ().-]{1,32}$/;

/** The form a username is stored in. */
export function normalizeUsername(raw: string): string {
  return raw.normalize('NFKC');
}

/** The form usernames are compared in: two usernames with one key are one account. */
export function usernameKey(raw: string): string {
  return raw.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}

export function createAccountKeys(options: AccountKeysOptions): AccountKeys {
  const region = options?.defaultRegion;
  if (typeof region !== 'string' || !/^[A-Z]{2}$/.test(region) || !isSupportedCountry(region)) {
    throw errors.invalid('defaultRegion', `must be an ISO 3166 region code the phone metadata knows, such as CN or US (got ${JSON.stringify(region)})`);
  }
  const defaultCountry = region as CountryCode;
  const mobile = (raw: string): string | undefined => {
    if (typeof raw !== 'string') return undefined;
    const text = raw.normalize('NFKC').trim();
    if (!PHONE_TEXT.test(text)) return undefined;
    const parsed = parsePhoneNumberFromString(text, { defaultCountry });
    return parsed?.isValid() ? parsed.number : undefined;
  };
  return Object.freeze({
    defaultRegion: region,
    mobile,
    checkMobile(raw: string): string {
      const e164 = mobile(raw);
      if (e164 === undefined) throw errors.invalid('mobile', `must be a valid phone number: with its country code (+86 139 0013 9000), or a number of region ${region} without one`);
      return e164;
    },
  });
}
