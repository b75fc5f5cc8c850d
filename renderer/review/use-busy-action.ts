/**
 * One action at a time in a panel: while it runs, `busy` names it (the buttons wait); its refusal
 * becomes `error` in the user's words, and what it reports becomes `message`.
 */
import { useState } from 'react';
import { userMessage } from './common';

export function useBusyAction() {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  async function run(label: string, work: () => Promise<void>) {
    setBusy(label);
    setError(null);
    setMessage(null);
    try {
      await work();
    } catch (e) {
      setError(userMessage(e));
    } finally {
      setBusy(null);
    }
  }

  return { busy, setBusy, error, setError, message, setMessage, run };
}
