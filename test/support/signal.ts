/** A one-shot signal between two parts of a test: `fire()` resolves `fired`. */
export function signal(): { readonly fired: Promise<void>; readonly fire: () => void } {
  let fire!: () => void;
  const fired = new Promise<void>((resolve) => (fire = resolve));
  return { fired, fire };
}
