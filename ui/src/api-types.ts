/** The API's response shapes, declared once in api/types.ts beside the schemas that serve them. */
export type * from '../../api/types.js';
