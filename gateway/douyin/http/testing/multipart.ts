// Builds multipart/form-data bodies for tests, part by part, in the order given.
export type Part =
  | { name: string; value: string }
  | { name: string; filename: string; contentType?: string; data: Buffer | string };

export interface MultipartBody {
  contentType: string;
  body: Buffer;
  /** The bytes before the first file's data, the data, and the rest: for sending in pieces. */
  pieces: Buffer[];
}

export function multipart(parts: readonly Part[], boundary = 'surge-test-boundary-7MA4YWxkTrZu0gW'): MultipartBody {
  const pieces: Buffer[] = [];
  let pending = '';
  for (const part of parts) {
    pending += `--${boundary}\r\n`;
    if ('value' in part) {
      pending += `Content-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`;
      continue;
    }
    pending += `Content-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\n`;
    pending += `Content-Type: ${part.contentType ?? 'application/octet-stream'}\r\n\r\n`;
    pieces.push(Buffer.from(pending));
    pieces.push(Buffer.isBuffer(part.data) ? part.data : Buffer.from(part.data));
    pending = '\r\n';
  }
  pending += `--${boundary}--\r\n`;
  pieces.push(Buffer.from(pending));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(pieces), pieces };
}
