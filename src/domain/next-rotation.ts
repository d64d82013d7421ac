/**
 * NextRotationDate bookkeeping (spec §8.10), pure: the random source is passed in.
 */
import { nextWindow, parseRotationRules, pickStartTime, displayedDays } from './schedule.js';
import { versionWithStage } from './versions.js';
import { AWSCURRENT, type RotationRules, type SecretState } from './types.js';

/**
 * Recomputes NextRotationDate and the scheduler's chosen start (spec §8.10). The anchor is the later of
 * the last rotation and the last time AWSCURRENT moved (a manual change counts as a rotation).
 */
export function withSchedule(s: SecretState, now: number, random: () => number): SecretState {
  const next = { ...s };
  if (next.rotationEnabled !== true || next.rotationRules === undefined || hasNoSchedule(next.rotationRules)) {
    delete next.nextRotationAt;
    delete next.scheduledStartAt;
    return next;
  }
  const schedule = parseRotationRules(storedRules(next.rotationRules));
  const current = versionWithStage(next, AWSCURRENT);
  const anchor = Math.max(next.lastRotatedAt ?? 0, next.currentChangedAt ?? current?.createdAt ?? 0, 0) || now;
  const w = nextWindow(schedule, anchor, now);
  next.nextRotationAt = w.end - 1000;
  next.scheduledStartAt = pickStartTime(w, random);
  if (next.rotationRules.ScheduleExpression !== undefined) {
    next.rotationRules = { ...next.rotationRules, AutomaticallyAfterDays: displayedDays(schedule, anchor) };
  }
  return next;
}

function hasNoSchedule(r: RotationRules): boolean {
  return r.AutomaticallyAfterDays === undefined && r.ScheduleExpression === undefined;
}


/** What the user sent, without the AutomaticallyAfterDays we display for expressions. */
export function storedRules(r: RotationRules): RotationRules {
  const out: RotationRules = {};
  if (r.ScheduleExpression !== undefined) out.ScheduleExpression = r.ScheduleExpression;
  else if (r.AutomaticallyAfterDays !== undefined) out.AutomaticallyAfterDays = r.AutomaticallyAfterDays;
  if (r.Duration !== undefined) out.Duration = r.Duration;
  return out;
}

