import { serviceRatingSchema } from '../../domain/schemas.js';
import type { CommandEdge } from './spec.js';

export const rate = {
  name: 'rate',
  summary: "Rate service (the program's supervisor or program manager)",
  description: 'An unsatisfactory rating ends the program (C.G.S. 5-230).',
  path: '/v1/programs/:programId/service-ratings',
  body: serviceRatingSchema.meta({ id: 'ServiceRating' }),
  cli: {
    options: {
      rating: { field: 'rating', description: 'satisfactory or unsatisfactory', required: true },
      on: { field: 'ratedOn', description: 'the date of the rating, YYYY-MM-DD', required: true },
      comments: { field: 'comments', description: 'comments on the rating' },
    },
  },
} as const satisfies CommandEdge;
