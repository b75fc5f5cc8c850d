/** dist/electron/cli.mjs when it is newer than every source it was built from, else null. */
export function freshCliBundle(): string | null;
