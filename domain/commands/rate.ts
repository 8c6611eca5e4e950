import type { CivilDate } from '../dates.js';
import { rulesEditionOf } from '../policy.js';
import { addWorkingDays, violation } from '../rules.js';
import { SYSTEM_ACTOR, type Actor, type EventDraft, type EventPayloads, type ServiceRatingValue } from '../events.js';
import type { ProgramState } from '../state.js';
import { accept, reject, checkAssigned, checkServiceDate, type Clock, type Decision } from '../decision.js';
import { defineCommand } from './rule.js';

export interface RateService {
  type: 'rate-service';
  rating: ServiceRatingValue;
  ratedOn: CivilDate;
  comments?: string;
}

function decideRating(command: RateService, state: ProgramState, actor: Actor, clock: Clock): Decision {
  const problems = [...checkAssigned(state, actor), ...checkServiceDate(command.ratedOn, 'ratedOn', state, clock)];
  if (problems.length > 0) return reject(...problems);
  const current = state.serviceRating;
  if (current && current.rating === command.rating && current.ratedOn === command.ratedOn && current.ratedBy === actor.id) {
    return accept([]); // a repeated submission of the same rating
  }
  const data: EventPayloads['service-rated'] = { rating: command.rating, ratedOn: command.ratedOn };
  if (command.comments !== undefined) data.comments = command.comments;
  const rated: EventDraft = { type: 'service-rated', actor, data };
  if (rulesEditionOf(state.policy) >= 2) {
    // Decision 7: the rating HR is deciding on stands until HR decides; nothing ends on its own.
    if (state.hrDecision) {
      return reject(
        violation('hr-decision-pending', 'rating', `HR has yet to decide on the unsatisfactory rating of ${state.hrDecision.ratedOn}.`),
      );
    }
    if (command.rating === 'satisfactory') return accept([rated]);
    const escalatesOn = addWorkingDays(clock.today, state.policy.hrDecisionEscalateAfterWorkingDays ?? 10);
    return accept([
      rated,
      { type: 'hr-decision-requested', actor: SYSTEM_ACTOR, data: { ratedOn: command.ratedOn, on: clock.today, escalatesOn } },
    ]);
  }
  if (command.rating === 'unsatisfactory') {
    // Removal after fair trial (C.G.S. 5-230) ends the program; HR may instead record remediation
    // and a DAS-approved amendment before rating.
    return accept([rated, { type: 'program-ended', actor, data: { on: clock.today, reason: 'unsatisfactory-service' } }]);
  }
  return accept([rated]);
}

export const rate = defineCommand<RateService>()({
  name: 'rate',
  type: 'rate-service',
  update: 'rateService',
  access: { everywhere: [], assigned: true },
  decide: decideRating,
});
