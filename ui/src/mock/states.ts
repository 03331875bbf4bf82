// The states mock.html can start in (`?state=…`): each one's recorded story and the step of it to
// start at (see ./replay.ts). The states that open a screen (history, template, settings, rooms)
// start at home; ./main.ts then clicks there.
export const starts: Record<string, [story: string, step: string]> = {
  home: ["main", "home"],
  "home-empty": ["empty", "home"],
  commitment: ["main", "commitment"],
  focus: ["main", "focus"],
  paused: ["main", "paused"],
  break: ["main", "break"],
  closing: ["main", "closing"],
  history: ["main", "home"],
  "history-empty": ["empty", "home"],
  fast: ["fast", "home"],
  "fast-edit": ["fast", "home"],
  template: ["main", "home"],
  "template-new": ["main", "home"],
  settings: ["main", "home"],
  "settings-saved": ["main", "home"],
  "settings-error": ["main", "home"],
  rooms: ["main", "home"],
  "rooms-empty": ["empty", "home"],
  "rooms-error": ["empty", "home"],
  "rooms-link": ["main", "home"],
  room: ["main", "home"],
};
