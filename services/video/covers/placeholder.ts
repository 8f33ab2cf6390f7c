// The cover used when no frame can be taken from the video: an SVG with the title on a colour
// picked from the title, so placeholder covers still tell videos apart at a glance.

const WIDTH = 720;
const HEIGHT = 1280;
const CHARS_PER_LINE = 14;
const MAX_LINES = 6;
const FONT_SIZE = 48;
const LINE_HEIGHT = 64;

// XML 1.0 forbids most control characters even escaped: they are dropped.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]/g;

const escapeXml = (s: string) =>
  s.replace(CONTROL, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

/** FNV-1a over the UTF-16 units: a stable hue per title. */
function hue(title: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < title.length; i++) h = Math.imul(h ^ title.charCodeAt(i), 0x01000193);
  return (h >>> 0) % 360;
}

/** Splits into lines of at most CHARS_PER_LINE characters (code points), breaking at spaces when it can. */
function wrap(title: string): string[] {
  const lines: string[] = [];
  let line: string[] = [];
  for (const word of title.split(/\s+/).filter(Boolean)) {
    let chars = [...word];
    if (line.length > 0 && line.length + 1 + chars.length > CHARS_PER_LINE) {
      lines.push(line.join(''));
      line = [];
    }
    while (chars.length > CHARS_PER_LINE) {
      if (line.length > 0) {
        lines.push(line.join(''));
        line = [];
      }
      lines.push(chars.slice(0, CHARS_PER_LINE).join(''));
      chars = chars.slice(CHARS_PER_LINE);
    }
    if (chars.length > 0) line.push(...(line.length > 0 ? [' '] : []), ...chars);
  }
  if (line.length > 0) lines.push(line.join(''));
  if (lines.length > MAX_LINES) {
    lines.length = MAX_LINES;
    lines[MAX_LINES - 1] = [...lines[MAX_LINES - 1]!].slice(0, CHARS_PER_LINE - 1).join('') + '…';
  }
  return lines;
}

export function placeholderCover(title: string): string {
  const lines = wrap(title);
  const top = HEIGHT / 2 - ((lines.length - 1) * LINE_HEIGHT) / 2;
  const tspans = lines.map((l, i) => `<tspan x="${WIDTH / 2}" y="${top + i * LINE_HEIGHT}">${escapeXml(l)}</tspan>`).join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">` +
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="hsl(${hue(title)},45%,32%)"/>` +
    `<text font-family="sans-serif" font-size="${FONT_SIZE}" fill="#fff" text-anchor="middle" dominant-baseline="middle">${tspans}</text>` +
    `</svg>`
  );
}
