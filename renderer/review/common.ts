/** Small helpers the workbench panels share: user-facing error text, today's date, the last signer. */

export { userMessage } from '../platform/api';

/** YYYY-MM-DD, the form of every date field in the workbench. */
export const today = () => new Date().toISOString().slice(0, 10);

export const SIGNER_KEY = 'landgate.review.signer';

/** The last signer on this computer, so a reviewer does not retype name and department. */
export function lastSigner(): { name: string; department: string } {
  try {
    const v = JSON.parse(localStorage.getItem(SIGNER_KEY) ?? '{}') as { name?: unknown; department?: unknown };
    return { name: typeof v.name === 'string' ? v.name : '', department: typeof v.department === 'string' ? v.department : '' };
  } catch {
    return { name: '', department: '' };
  }
}
