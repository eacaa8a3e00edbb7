/** Moved to ../errors.ts (issue 21 item 3); kept so the engines' imports stay short. */
export { MessagingConfigError } from '../errors.js';
