// How a verification code reaches the user. The default writes it to the log, which is what a
// developer wants locally; production passes an SMS gateway implementing the same interface.

export interface CodeSender {
  send(mobile: string, code: string, expiresInSeconds: number): Promise<void>;
}

export function logCodeSender(log: { info(obj: object, msg: string): void }): CodeSender {
  return {
    async send(mobile, code, expiresInSeconds) {
      log.info({ mobile: mask(mobile), code, expiresInSeconds }, 'verification code (log sender: configure an SMS sender for production)');
    },
  };
}

/** 13812345678 → 138****5678: enough to tell numbers apart in logs and display names. */
export function mask(mobile: string): string {
  const digits = mobile.replace(/^\+/, '');
  if (digits.length <= 7) return digits.slice(0, 2) + '****';
  return digits.slice(0, 3) + '****' + digits.slice(-4);
}
