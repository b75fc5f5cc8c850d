/**
 * What a workbench panel says about the user's last action: an error (alert) and/or a success
 * message (status). `testid` prefixes the data-testid of each (`<testid>-error`, `<testid>-message`).
 */
export function Feedback({ error, message, testid }: { error: string | null; message?: string | null; testid: string }) {
  return (
    <>
      {error && (
        <div className="error-box" role="alert" data-testid={`${testid}-error`}>
          {error}
        </div>
      )}
      {message && (
        <div className="wb-message" role="status" data-testid={`${testid}-message`}>
          {message}
        </div>
      )}
    </>
  );
}
