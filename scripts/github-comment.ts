/**
 * What the workflows' `actions/github-script` steps `require()` from dist/scripts/github-comment.js:
 * the one PR comment and the drift issue, kept in delivery/github.ts.
 */
export { syncIssue, upsertComment } from '../delivery/github';
