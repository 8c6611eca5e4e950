/** The text of a PDF, as a reader would get it: parsed with pdf.js (the legacy build runs in Node). */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

// The 14 standard PDF fonts (Helvetica, …) are not embedded in the letter; pdf.js reads their metrics from here.
const standardFontDataUrl = `${dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'))}/standard_fonts/`;

export interface PdfText {
  pages: number;
  /** Every page's text, whitespace collapsed. */
  text: string;
  title: string | null;
}

export async function pdfText(bytes: Uint8Array): Promise<PdfText> {
  // pdf.js takes ownership of the buffer it is given: hand it a copy.
  const document = await getDocument({ data: new Uint8Array(bytes), standardFontDataUrl, useSystemFonts: false, isEvalSupported: false })
    .promise;
  try {
    const parts: string[] = [];
    for (let n = 1; n <= document.numPages; n++) {
      const page = await document.getPage(n);
      const content = await page.getTextContent();
      for (const item of content.items) {
        if ('str' in item) parts.push(item.str, item.hasEOL ? '\n' : '');
      }
    }
    const { info } = await document.getMetadata();
    const title = typeof info === 'object' && info !== null && 'Title' in info && typeof info.Title === 'string' ? info.Title : null;
    return { pages: document.numPages, text: parts.join('').replace(/\s+/g, ' ').trim(), title };
  } finally {
    await document.destroy();
  }
}
