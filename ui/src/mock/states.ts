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
  schedule: ["main", "home"],
  history: ["main", "home"],
  "history-empty": ["empty", "home"],
  "history-stats": ["main", "home"],
  "history-stats-empty": ["empty", "home"],
  "history-review": ["main", "home"],
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
  // the shared session (see ./main.ts): a room's view with my session following the room's or
  // one of my own running, the host's start form and controls, and the session's screens
  "room-following": ["main", "focus"],
  "room-busy": ["main", "focus"],
  "room-host": ["main", "home"],
  "room-hosting": ["main", "focus"],
  // the rest of a room: my questions to the host (my session follows room 0's and shares), and a
  // room its host deleted
  "room-asked": ["main", "focus"],
  "room-deleted": ["main", "home"],
  "commitment-room": ["main", "commitment"],
  "focus-room": ["main", "focus"],
  "closing-room": ["main", "closing"],
};
