/**
 * Who may give a command on a program (domain/access.ts), decided by the program's Update validator
 * for callers whose right depends on the program.
 */
import { describe, expect, it } from 'vitest';
import { actorAnywhere, actorOnProgram, type Caller } from '../../domain/access.js';

const program = { agency: 'DOT', supervisorId: 'sup-1', programManagerId: 'pm-1', traineeEmployeeId: 'E-1' };
const signOff = { everywhere: [], assigned: true } as const;
const leave = { everywhere: ['hr'], assigned: false } as const;
const report = { everywhere: [], assigned: false, trainee: true } as const;

describe('who may act on a program', () => {
  it('settles HR of every agency and DAS without the program, and refuses roles no program would let act', () => {
    expect(actorAnywhere({ id: 'hr-1', roles: ['hr'], access: leave })).toEqual({ id: 'hr-1', role: 'hr' });
    expect(actorAnywhere({ id: 'aud-1', roles: ['auditor'], access: leave })).toBeNull();
    expect(actorAnywhere({ id: 'hr-1', roles: ['hr'], access: signOff })).toBeNull();
  });

  it('leaves HR of some agencies, the assigned roles and the trainee to the program', () => {
    const limited: Caller = { id: 'hr-2', roles: ['hr'], agencies: ['DOT'], access: leave };
    expect(actorAnywhere(limited)).toBe('per-program');
    expect(actorOnProgram(limited, program)).toEqual({ id: 'hr-2', role: 'hr' });
    expect(actorOnProgram({ ...limited, agencies: ['DSS'] }, program)).toBeNull();
    expect(actorOnProgram({ id: 'sup-1', roles: ['supervisor'], access: signOff }, program)).toEqual({ id: 'sup-1', role: 'supervisor' });
    expect(actorOnProgram({ id: 'sup-2', roles: ['supervisor'], access: signOff }, program)).toBeNull();
    expect(actorOnProgram({ id: 'E-1', roles: ['trainee'], access: report }, program)).toEqual({ id: 'E-1', role: 'trainee' });
    expect(actorOnProgram({ id: 'E-2', roles: ['trainee'], access: report }, program)).toBeNull();
  });

  it('acts in the role the program names a caller holding both assigned roles in', () => {
    expect(actorOnProgram({ id: 'pm-1', roles: ['supervisor', 'program-manager'], access: signOff }, program)).toEqual({
      id: 'pm-1',
      role: 'program-manager',
    });
    expect(actorOnProgram({ id: 'pm-1', roles: ['supervisor'], access: signOff }, program)).toEqual({ id: 'pm-1', role: 'supervisor' });
  });
});
