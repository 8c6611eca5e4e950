// The PDF letter is shared with the delivery activity, which attaches the same bytes to the e-mail.
export { renderNoticePdf, type PrintableNotice } from '../activities/notice-pdf.js';
