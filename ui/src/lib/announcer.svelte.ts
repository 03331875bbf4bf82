// What the aria-live region says: phase changes, a saved template, a closed session.

export const announcer = $state<{ text: string }>({ text: "" });

export function announce(text: string): void {
  // re-set so that the same text is announced again
  announcer.text = "";
  queueMicrotask(() => {
    announcer.text = text;
  });
}
