/**
 * A tiny XML well-formedness check for the SVG tests (no dependency): every tag closed in order,
 * attributes quoted and unique, no raw `<` or stray `&` in text. Returns the elements seen.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  text: string;
}

export function parseXml(src: string): XmlElement[] {
  const els: XmlElement[] = [];
  const stack: XmlElement[] = [];
  let i = 0;
  const fail = (why: string): never => {
    const line = src.slice(0, i).split('\n').length;
    throw new Error(`not well-formed XML at line ${line}: ${why}`);
  };
  const checkText = (t: string) => {
    if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(t)) fail(`stray & in ${JSON.stringify(t.slice(0, 40))}`);
  };
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    const text = lt < 0 ? src.slice(i) : src.slice(i, lt);
    checkText(text);
    if (stack.length > 0) stack[stack.length - 1].text += text;
    else if (text.trim() !== '') fail('text outside the root element');
    if (lt < 0) break;
    i = lt;
    if (src.startsWith('<?', i)) {
      i = src.indexOf('?>', i) + 2;
      continue;
    }
    if (src.startsWith('<!--', i)) {
      i = src.indexOf('-->', i) + 3;
      continue;
    }
    const gt = src.indexOf('>', i);
    if (gt < 0) fail('unterminated tag');
    const body = src.slice(i + 1, gt);
    i = gt + 1;
    if (body.startsWith('/')) {
      const name = body.slice(1).trim();
      const open = stack.pop();
      if (!open || open.name !== name) fail(`</${name}> closes <${open?.name ?? 'nothing'}>`);
      continue;
    }
    const selfClosing = body.endsWith('/');
    const inner = selfClosing ? body.slice(0, -1) : body;
    const m = /^([A-Za-z_][\w:.-]*)/.exec(inner);
    if (!m) fail(`bad tag <${body.slice(0, 20)}>`);
    const el: XmlElement = { name: m![1], attrs: {}, text: '' };
    let rest = inner.slice(m![1].length);
    const attrRe = /^\s+([A-Za-z_][\w:.-]*)="([^"<]*)"/;
    for (;;) {
      const a = attrRe.exec(rest);
      if (!a) break;
      if (a[1] in el.attrs) fail(`duplicate attribute ${a[1]} on <${el.name}>`);
      checkText(a[2]);
      el.attrs[a[1]] = a[2];
      rest = rest.slice(a[0].length);
    }
    if (rest.trim() !== '') fail(`bad attributes on <${el.name}>: ${JSON.stringify(rest.slice(0, 40))}`);
    if (stack.length === 0 && els.length > 0) fail('a second root element');
    els.push(el);
    if (!selfClosing) stack.push(el);
  }
  if (stack.length > 0) fail(`<${stack[stack.length - 1].name}> never closed`);
  return els;
}

/** Decode the five XML entities. */
export function unescapeXml(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e as string]!);
}
