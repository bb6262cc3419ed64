/**
 * What the workflows' `actions/github-script` steps `require()` from dist/scripts/github-steps.js:
 * the comment and issue upserts (delivery/github.ts) and the steps of the review loop
 * (delivery/review/steps.ts).
 */
export { syncIssue, upsertComment } from '../delivery/github';
export { confirmApproval, finishPlanStatus, publishPlan, recordMerge, reportApply, reviewMainPush } from '../delivery/review/steps';
